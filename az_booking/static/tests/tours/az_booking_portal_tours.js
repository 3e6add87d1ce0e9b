import { registry } from "@web/core/registry";

/** Steps shared by both tours: from the manage page, move the appointment, then cancel. */
function rescheduleThenCancel() {
    return [
        {
            content: "Ask for another time",
            trigger: "a.o_az_booking_reschedule",
            run: "click",
        },
        {
            content: "The other free times are buttons that say what they do",
            trigger: "h1:contains(Choose another time)",
        },
        {
            content: "Pick the second free time",
            trigger: ".o_az_slots li:nth-child(2) button.o_az_slot:contains(Move my appointment to)",
            run: "click",
        },
        {
            content: "The appointment is moved",
            trigger: ".o_az_booking_moved",
        },
        {
            content: "Give a reason to cancel",
            trigger: "textarea[name=reason]",
            run: "edit Empêchement de dernière minute",
        },
        {
            content: "Cancel the appointment",
            trigger: "button.o_az_booking_cancel",
            run: "click",
        },
        {
            content: "The appointment is cancelled and can no longer be changed",
            trigger: ".o_az_booking_cancelled",
        },
        {
            content: "Its status says so",
            trigger: ".o_az_booking_state:contains(Cancelled)",
        },
    ];
}

registry.category("web_tour.tours").add("az_booking_visitor", {
    steps: () => [
        {
            content: "The free times are listed in the type's time zone",
            trigger: "main:contains(Europe/Paris)",
        },
        {
            content: "Choose the first free time",
            trigger: "a.o_az_slot:not(.o_az_slot_full):contains(Book)",
            run: "click",
        },
        {
            content: "Full name",
            trigger: "input[name=name]",
            run: "edit Samia Tour",
        },
        {
            content: "E-mail",
            trigger: "input[name=email]",
            run: "edit samia.tour@example.com",
        },
        {
            content: "Phone",
            trigger: "input[name=phone]",
            run: "edit 06 12 34 56 78",
        },
        {
            content: "Answer the question",
            trigger: "textarea[name^=question_]",
            run: "edit Trouver une formation",
        },
        {
            content: "Accept the processing of the data",
            trigger: "input[name=consent]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: "button.o_az_booking_submit",
            run: "click",
        },
        {
            content: "The appointment is booked; the manage page shows it",
            trigger: ".o_az_booking_done:contains(Your appointment is booked)",
        },
        ...rescheduleThenCancel(),
    ],
});

registry.category("web_tour.tours").add("az_booking_portal_user", {
    steps: () => [
        {
            content: "My appointments list the booking",
            trigger: "a.o_az_my_booking_link",
            run: "click",
        },
        {
            content: "The booking page is open",
            trigger: "h1:contains(Your appointment)",
        },
        ...rescheduleThenCancel(),
        {
            content: "Back to my appointments",
            trigger: ".breadcrumb a[href='/my/bookings']",
            run: "click",
        },
        {
            content: "The list shows it cancelled",
            trigger: "tr.o_az_my_booking td:contains(Cancelled)",
        },
    ],
});
