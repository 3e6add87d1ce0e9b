import { registry } from "@web/core/registry";

/** A referent, in French on a phone, books for a person they refer from their page, then
 * finds the booking there (the person's confirmation is checked by the test). */
registry.category("web_tour.tours").add("az_booking_referent_books", {
    steps: () => [
        {
            content: "The referent's page, in French",
            trigger: "h1:contains(Personnes que j'ai orientées)",
        },
        {
            content: "Book for a person",
            trigger: "a.btn:contains(Réserver pour une personne)",
            run: "click",
        },
        {
            content: "Open the type open to referents",
            trigger: ".card:contains(Orientation emploi) a:first",
            run: "click",
        },
        {
            content: "Choose the first free time",
            trigger: "a.o_az_slot:not(.o_az_slot_full):contains(Réserver)",
            run: "click",
        },
        {
            content: "The form says it is for a person referred",
            trigger: ".o_az_referral_notice:contains(Mission Locale des Graves)",
        },
        {
            content: "The person's name",
            trigger: "input[name=name]",
            run: "edit Yanis Tour",
        },
        {
            content: "The person's e-mail",
            trigger: "input[name=email]",
            run: "edit yanis.tour@example.com",
        },
        {
            content: "The person agreed",
            trigger: "input[name=consent]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: "button.o_az_booking_submit",
            run: "click",
        },
        {
            content: "Back on the referent's page: the booking is made and listed",
            trigger: ".o_az_referral_booked:contains(est réservé)",
        },
        {
            content: "Its status",
            trigger: "tr.o_az_my_referral:contains(Yanis Tour):contains(Confirmé)",
        },
    ],
});
