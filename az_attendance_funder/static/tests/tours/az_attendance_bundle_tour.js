import { registry } from "@web/core/registry";

// Justification bundles > New, from the menu: choose the funding by typing its name, the
// period follows it and can be changed, the title names what was chosen.
registry.category("web_tour.tours").add("az_attendance_bundle_from_menu_tour", {
    // the menu's action (the menu bar folds its last entries into "More" on narrow screens)
    url: "/odoo/action-az_attendance_funder.az_attendance_bundle_action",
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: '.o_breadcrumb:contains("New justification bundle")',
        },
        {
            trigger: '.o_field_widget[name="funding_id"] input',
            run: "edit Tour bundle",
        },
        {
            trigger: '.o-autocomplete--dropdown-item a:contains("Convention Tour bundle")',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="date_from"] input:value("01/01/2025")',
        },
        {
            trigger: '.o_field_widget[name="date_to"] input',
            run: "edit 03/31/2025",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: '.o_breadcrumb:contains("Bundle Convention Tour bundle, 01/01/2025 – 03/31/2025")',
        },
        {
            trigger: '.o_az_bundle_progress:contains("Waiting for its turn")',
        },
    ],
});

// A bundle built while its page was closed: the page shows the result, not a progress bar.
registry.category("web_tour.tours").add("az_attendance_bundle_ready_tour", {
    steps: () => [
        {
            trigger: '.o_az_bundle_ready:contains("The bundle is ready")',
        },
        {
            trigger: '.o_field_widget[name="file"] a, .o_field_widget[name="file"] button',
        },
        {
            trigger: ".o_form_view:not(:has(.o_az_bundle_progress))",
        },
    ],
});
