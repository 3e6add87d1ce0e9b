import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("az_project_base_funding_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="project.menu_main_pm"]',
            run: "click",
        },
        {
            trigger: 'button[data-menu-xmlid="az_project_base.az_social_menu"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="az_project_base.az_funding_menu"]',
            run: "click",
        },
        {
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("Subvention Tour")',
            run: "click",
        },
        {
            trigger: '.o_form_view .o_field_widget[name="funder_id"]:contains("Fondation Tour"), .o_form_view .o_field_widget[name="funder_id"] input:value("Fondation Tour")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="amount_planned"]:contains("4,500.00")',
        },
    ],
});
