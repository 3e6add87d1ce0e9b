import { registry } from "@web/core/registry";

/** Draw a short stroke on a canvas with touch pointer events, as a finger would. */
function drawWithFinger(canvas) {
    const rect = canvas.getBoundingClientRect();
    const points = [
        [0.1, 0.6], [0.3, 0.3], [0.45, 0.7], [0.6, 0.3], [0.85, 0.55],
    ].map(([x, y]) => [rect.left + x * rect.width, rect.top + y * rect.height]);
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
    for (const point of points.slice(1)) {
        fire("pointermove", point);
    }
    fire("pointerup", points[points.length - 1]);
}

const signAndSend = [
    {
        content: "Sign with a finger",
        trigger: "canvas.o_az_signature_pad",
        run() {
            drawWithFinger(this.anchor);
        },
    },
    {
        content: "The drawing is attached to the form",
        trigger: "input.o_az_signature_value:not(:visible):value(/^data:image\\/png;base64,/)",
    },
    {
        content: "Send it",
        trigger: "button.o_az_sign_submit",
        run: "click",
        expectUnloadPage: true,
    },
    {
        content: "The page thanks the person",
        trigger: ".o_az_message:contains(your signature is recorded)",
    },
];

registry.category("web_tour.tours").add("az_attendance_rotating_qr_recognised", {
    steps: () => [
        {
            content: "The phone is recognised: no name to pick, no code to type",
            trigger: ".o_az_recognised:contains(Amina D.)",
        },
        {
            content: "No code is asked",
            trigger: "form.o_az_sign_form:not(:has(input[name=code]))",
        },
        ...signAndSend,
    ],
});

registry.category("web_tour.tours").add("az_attendance_rotating_qr_code", {
    steps: () => [
        {
            content: "Lucas picks his name",
            trigger: "label:contains(Lucas M.)",
            run: "click",
        },
        {
            content: "He asks for his code",
            trigger: "button.o_az_send_code",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page says where the code went, without showing it",
            trigger: ".o_az_notice:contains(A code was sent to you by e-mail)",
        },
        {
            content: "He types the code he received",
            trigger: "input[name=code]",
            run: "edit 135790",
        },
        ...signAndSend,
    ],
});

registry.category("web_tour.tours").add("az_attendance_kiosk_rotating_qr", {
    steps: () => [
        {
            content: "The kiosk shows the rotating QR code with the names",
            trigger: ".o_az_kiosk:has(.o_az_kiosk_line:contains(Amina Diallo)) .o_az_kiosk_qr img.o_az_kiosk_qr_image[src^='data:image/png;base64,']",
            run() {
                window.azKioskFirstQr = this.anchor.src;
                const kiosk = document.querySelector(".o_az_kiosk");
                if (kiosk.querySelector("a[href]")) {
                    throw new Error("The QR code must not lead out of the kiosk");
                }
                const box = this.anchor.getBoundingClientRect();
                if (box.width < 150 || box.right > window.innerWidth) {
                    throw new Error(`The QR code is too small or cut (${box.width}px)`);
                }
            },
        },
        {
            content: "The code changes by itself",
            trigger: ".o_az_kiosk_qr img.o_az_kiosk_qr_image[src^='data:image/png;base64,']",
            async run() {
                // the test shortens the step to about a second: wait for the next image
                for (let waited = 0; waited < 8000; waited += 200) {
                    const image = document.querySelector(".o_az_kiosk_qr_image");
                    if (image && image.src !== window.azKioskFirstQr) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 200));
                }
                throw new Error("The code did not change");
            },
        },
        {
            content: "People without a phone still tap their name",
            trigger: ".o_az_kiosk_line:not(.o_az_signed):contains(Amina Diallo)",
            run: "click",
        },
        {
            content: "The signing board covers the list",
            trigger: ".o_az_kiosk_board:has(.o_az_kiosk_board_name:contains(Amina Diallo))",
        },
    ],
});
