import { registry } from "@web/core/registry";

/** Steps shared by both tours: from the manage page, move the appointment and cancel it,
 * each time through the page that asks for confirmation. `text` holds the words the pages
 * show in the tour's language. */
function rescheduleThenCancel(text) {
    return [
        {
            content: "Ask for another time",
            trigger: "a.o_az_booking_reschedule",
            run: "click",
        },
        {
            content: "The other free times are listed; the current one is marked",
            trigger: `h1:contains(${text.chooseTitle})`,
        },
        {
            content: "The current time is marked and cannot be chosen",
            trigger: ".o_az_slot_current[aria-current=true]",
        },
        {
            content: "Pick another free time",
            trigger: `a.o_az_slot:contains(${text.moveTo}):first`,
            run: "click",
        },
        {
            content: "A page asks before moving",
            trigger: `h1:contains(${text.moveTitle})`,
        },
        {
            content: "Confirm the move",
            trigger: "button.o_az_booking_move",
            run: "click",
        },
        {
            content: "The appointment is moved",
            trigger: ".o_az_booking_moved",
        },
        {
            content: "Ask to cancel",
            trigger: "a.o_az_booking_cancel_start",
            run: "click",
        },
        {
            content: "A page asks before cancelling",
            trigger: `h1:contains(${text.cancelTitle})`,
        },
        {
            content: "Give a reason to cancel",
            trigger: "textarea[name=reason]",
            run: "edit Empêchement de dernière minute",
        },
        {
            content: "Confirm the cancellation",
            trigger: "button.o_az_booking_cancel",
            run: "click",
        },
        {
            content: "The appointment is cancelled and can no longer be changed",
            trigger: ".o_az_booking_cancelled",
        },
        {
            content: "Its status says so",
            trigger: `.o_az_booking_state:contains(${text.cancelled})`,
        },
    ];
}

const FRENCH = {
    chooseTitle: "Choisir un autre horaire",
    moveTo: "Déplacer mon rendez-vous au",
    moveTitle: "Déplacer ce rendez-vous ?",
    cancelTitle: "Annuler ce rendez-vous ?",
    cancelled: "Annulé",
};

const ENGLISH = {
    chooseTitle: "Choose another time",
    moveTo: "Move my appointment to",
    moveTitle: "Move this appointment?",
    cancelTitle: "Cancel this appointment?",
    cancelled: "Cancelled",
};

registry.category("web_tour.tours").add("az_booking_visitor", {
    steps: () => [
        {
            content: "The free times are listed in the type's time zone, in French",
            trigger: "main:contains(heure de Paris)",
        },
        {
            content: "Choose the first free time",
            trigger: "a.o_az_slot:not(.o_az_slot_full):contains(Réserver)",
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
            run: "edit +33 6 12 34 56 78",
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
            trigger: ".o_az_booking_done:contains(Votre rendez-vous est réservé)",
        },
        ...rescheduleThenCancel(FRENCH),
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
        ...rescheduleThenCancel(ENGLISH),
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

registry.category("web_tour.tours").add("az_booking_workshop_phone", {
    steps: () => [
        {
            content: "The workshop lists its occurrences, in French, with the place and the seats left",
            trigger: "a.o_az_slot:not(.o_az_slot_full):contains(Maison des solidarités):contains(Places restantes)",
        },
        {
            content: "A full occurrence looks full, and offers its waiting list",
            trigger: "span.o_az_slot_full.disabled:contains(Complet) + a.o_az_slot_waiting:contains(liste d'attente)",
        },
        {
            content: "Pick the first occurrence with seats left",
            trigger: "a.o_az_slot:not(.o_az_slot_full):contains(Jusqu'à):first",
            run: "click",
        },
        {
            content: "Full name",
            trigger: "input[name=name]",
            run: "edit Yasmine Atelier",
        },
        {
            content: "E-mail",
            trigger: "input[name=email]",
            run: "edit yasmine.atelier@example.com",
        },
        {
            content: "Phone",
            trigger: "input[name=phone]",
            run: "edit +33 6 98 76 54 32",
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
            content: "The seat is booked; the manage page shows it",
            trigger: ".o_az_booking_done",
        },
    ],
});
