import { registry } from "@web/core/registry";

/** Draw a short stroke on a canvas with pointer events, as a finger would. */
function drawWithFinger(canvas) {
    const rect = canvas.getBoundingClientRect();
    const points = [[0.1, 0.7], [0.3, 0.3], [0.5, 0.6], [0.7, 0.35], [0.9, 0.5]].map(([x, y]) => [
        rect.left + x * rect.width,
        rect.top + y * rect.height,
    ]);
    const fire = (type, [x, y]) =>
        canvas.dispatchEvent(
            new PointerEvent(type, {
                bubbles: true,
                cancelable: true,
                clientX: x,
                clientY: y,
                pointerType: "touch",
                isPrimary: true,
                buttons: type === "pointerup" ? 0 : 1,
                pressure: 0.5,
            })
        );
    fire("pointerdown", points[0]);
    points.slice(1).forEach((point) => fire("pointermove", point));
    fire("pointerup", points[points.length - 1]);
}

const MORNING = ".o_az_day_session:contains(Atelier du matin)";
const AFTERNOON = ".o_az_day_session:contains(Atelier du soir)";

registry.category("web_tour.tours").add("az_attendance_day", {
    steps: () => [
        {
            content: "Today's sessions, with who has signed",
            trigger: `${MORNING} .o_az_day_count:contains(2 of 3 signed)`,
        },
        {
            content: "Sessions of other days are not there",
            trigger: ".o_az_day:not(:contains(Atelier de la veille))",
        },
        {
            content: "Lucas comes in late: one tap",
            trigger: `${MORNING} .o_az_day_line:contains(Lucas Martin) .o_az_day_arrive`,
            run: "click",
        },
        {
            content: "His arrival time shows, in place of the button",
            trigger: `${MORNING} .o_az_day_line:contains(Lucas Martin):not(:has(.o_az_day_arrive)) .o_az_day_arrived:contains(Arrived at)`,
        },
        {
            content: "He signs on the trainer's phone, on his behalf",
            trigger: `${MORNING} .o_az_day_line:contains(Lucas Martin) .o_az_day_behalf`,
            run: "click",
        },
        {
            content: "The witness",
            trigger: ".modal div[name=witness_name] input",
            run: "edit Jean Témoin",
        },
        {
            content: "The reason",
            trigger: ".modal div[name=reason] input",
            run: "edit Tablette en panne",
        },
        {
            content: "His signature",
            trigger: ".modal .o_az_drawn_signature canvas",
            run() {
                drawWithFinger(this.anchor);
            },
        },
        {
            content: "Record it",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Everyone has signed now",
            trigger: `body:not(:has(.modal)) ${MORNING} .o_az_day_count:contains(3 of 3 signed)`,
        },
        {
            content: "Sofia leaves early: one tap",
            trigger: `${MORNING} .o_az_day_line:contains(Sofia Pereira) .o_az_day_leave`,
            run: "click",
        },
        {
            content: "Her departure time shows, in place of the button",
            trigger: `${MORNING} .o_az_day_line:contains(Sofia Pereira):not(:has(.o_az_day_leave)) .o_az_day_left:contains(Left at)`,
        },
        {
            content: "The trainer co-signs the sheet",
            trigger: `${MORNING} .o_az_day_cosign`,
            run: "click",
        },
        {
            content: "With a finger",
            trigger: ".modal .o_az_drawn_signature canvas",
            run() {
                drawWithFinger(this.anchor);
            },
        },
        {
            content: "Save the signature",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The sheet says it is co-signed",
            trigger: `body:not(:has(.modal)) ${MORNING} .o_az_day_cosigned:contains(Co-signed at)`,
        },
        {
            content: "Validate the sheet",
            trigger: `${MORNING} .o_az_day_validate`,
            run: "click",
        },
        {
            content: "The session has not ended: say why",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Atelier terminé plus tôt",
        },
        {
            content: "Validate and seal",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The sheet is validated",
            trigger: `body:not(:has(.modal)) ${MORNING} .o_az_day_state:contains(Validated)`,
        },
        {
            content: "The afternoon session is still a draft: open signing",
            trigger: `${AFTERNOON} .o_az_day_open`,
            run: "click",
        },
        {
            content: "Show the rotating QR code to the room",
            trigger: `${AFTERNOON} .o_az_day_qr`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The code the participants scan, and nobody has signed yet",
            trigger: ".o_az_rotating_qr .o_az_rotating_qr_image[src^='data:image/png;base64,']",
        },
        {
            content: "Back to the day's sessions",
            trigger: ".o_az_rotating_qr",
            run() {
                window.location.assign("/odoo/action-az_attendance.az_attendance_day_action");
            },
            expectUnloadPage: true,
        },
        {
            content: "Hand the tablet over: the kiosk",
            trigger: `${AFTERNOON} .o_az_day_kiosk`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The kiosk of the afternoon session",
            trigger: ".o_az_kiosk_title:contains(Atelier du soir)",
        },
    ],
});
