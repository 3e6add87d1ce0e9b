import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

const onlineRpc = rpc._rpc;

/** Cut the kiosk's signing requests as a dropped Wi-Fi would; everything else still works. */
function cutNetwork() {
    rpc._rpc = function (url, params, settings) {
        if (url === "/attendance/kiosk/sign") {
            return Promise.reject(new ConnectionLostError(url));
        }
        return onlineRpc.call(this, url, params, settings);
    };
}

function restoreNetwork() {
    rpc._rpc = onlineRpc;
}

/** Draw a short stroke on a canvas with pointer events, as a finger would. */
function drawOn(canvas) {
    const rect = canvas.getBoundingClientRect();
    const points = [
        [0.1, 0.7], [0.25, 0.3], [0.4, 0.6], [0.55, 0.35], [0.7, 0.65], [0.9, 0.4],
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

registry.category("web_tour.tours").add("az_attendance_kiosk", {
    steps: () => [
        {
            content: "The session form shows the auditor checklist while signing is open",
            trigger: ".o_form_view .o_az_checklist:contains(Amina Diallo)",
        },
        {
            content: "Show the QR code to the room",
            trigger: ".o_form_view button[name=action_show_qr]",
            run: "click",
        },
        {
            content: "The QR code is displayed",
            trigger: ".modal .o_az_qr img[src^='data:image/png;base64,']",
        },
        {
            content: "Close it",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Hand the tablet over: open the kiosk",
            trigger: ".o_form_view:not(:has(.modal)) button[name=action_kiosk]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The kiosk is a page of its own: no Odoo menu, no codes",
            trigger: ".o_az_kiosk_title:contains(Atelier tablette)",
            run() {
                if (document.querySelector(".o_main_navbar, .o_menu_apps, a[href^='/odoo']")) {
                    throw new Error("The kiosk must not lead to the back office");
                }
                if (document.querySelector(".o_az_kiosk_qr, .o_az_kiosk_qr_image")) {
                    throw new Error("The rotating QR code is an option, off by default");
                }
            },
        },
        {
            content: "Amina taps her name",
            trigger: ".o_az_kiosk_line:not(.o_az_signed):contains(Amina Diallo)",
            run: "click",
        },
        {
            content: "Her name and the session are above the pad; she signs with her finger",
            trigger: ".o_az_kiosk_board:has(.o_az_kiosk_board_name:contains(Amina Diallo)):has(.o_az_kiosk_board_session:contains(Atelier tablette)) canvas",
            run() {
                // "Sign in the box": the box is drawn around the pad
                const frame = this.anchor.parentElement;
                const width = parseFloat(getComputedStyle(frame).borderTopWidth);
                if (!(width >= 2) || getComputedStyle(frame).borderTopStyle === "none") {
                    throw new Error(`The signature pad has no visible frame (border ${width}px)`);
                }
                drawOn(this.anchor);
            },
        },
        {
            content: "She confirms",
            trigger: ".o_az_kiosk_board_sign:enabled",
            run: "click",
        },
        {
            content: "The kiosk thanks her",
            trigger: ".o_az_kiosk_thanks:contains(Amina Diallo)",
            run: "click",
        },
        {
            content: "Her name now shows as signed",
            trigger: ".o_az_kiosk:not(:has(.o_az_kiosk_thanks)) .o_az_kiosk_line.o_az_signed:contains(Amina Diallo) .o_az_kiosk_status:contains(Signature recorded at)",
        },
        {
            content: "The network drops; Lucas taps his name",
            trigger: ".o_az_kiosk_line:not(.o_az_signed):contains(Lucas Martin)",
            run(helpers) {
                cutNetwork();
                return helpers.click();
            },
        },
        {
            content: "He signs with his finger",
            trigger: ".o_az_kiosk_board canvas",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            content: "He confirms",
            trigger: ".o_az_kiosk_board_sign:enabled",
            run: "click",
        },
        {
            content: "The kiosk says his signature is kept on the tablet",
            trigger: ".o_az_kiosk_thanks:contains(Lucas Martin)",
            run: "click",
        },
        {
            content: "His signature is kept on the tablet",
            trigger: ".o_az_kiosk_line.btn-warning:contains(Lucas Martin):contains(Kept on this device)",
        },
        {
            content: "The kiosk says one signature waits for the network",
            trigger: ".o_az_kiosk_pending:contains(1)",
        },
        {
            content: "The network is back: refresh",
            trigger: ".o_az_kiosk button.o_az_kiosk_refresh",
            run(helpers) {
                restoreNetwork();
                return helpers.click();
            },
        },
        {
            content: "Lucas's signature reached the server",
            trigger: ".o_az_kiosk_line.o_az_signed:contains(Lucas Martin)",
        },
        {
            content: "Nothing waits any more",
            trigger: ".o_az_kiosk:not(:has(.o_az_kiosk_pending))",
        },
        {
            content: "Sofia has not signed",
            trigger: ".o_az_kiosk_line:not(.o_az_signed):contains(Sofia Pereira)",
        },
        {
            content: "A participant tries to leave the kiosk",
            trigger: ".o_az_kiosk_leave",
            run: "click",
        },
        {
            content: "A password is asked, the field says whose: they guess",
            trigger: ".o_az_kiosk_unlock input.o_az_kiosk_password",
            run(helpers) {
                const label = document.querySelector(`label[for="${this.anchor.id}"]`);
                if (!this.anchor.id || !label || !label.textContent.trim()) {
                    throw new Error("The kiosk's password field has no label");
                }
                return helpers.edit("123456");
            },
        },
        {
            content: "and try to leave",
            trigger: ".o_az_kiosk_unlock .o_az_kiosk_exit",
            run: "click",
        },
        {
            content: "Refused: the kiosk stays",
            trigger: ".o_az_kiosk_unlock_error",
        },
        {
            content: "They give up",
            trigger: ".o_az_kiosk_unlock_cancel",
            run: "click",
        },
        {
            content: "The trainer comes back and asks to leave",
            trigger: ".o_az_kiosk:not(:has(.o_az_kiosk_unlock)) .o_az_kiosk_leave",
            run: "click",
        },
        {
            content: "She types her password",
            trigger: ".o_az_kiosk_unlock input.o_az_kiosk_password",
            run: "edit az_att_trainer",
        },
        {
            content: "and leaves the kiosk",
            trigger: ".o_az_kiosk_unlock .o_az_kiosk_exit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "She is back on the session's form",
            trigger: ".o_form_view .o_az_checklist",
        },
        {
            content: "Sofia cannot hold a pen: the trainer signs on her behalf",
            trigger: ".o_data_row:contains(Sofia Pereira) button[name=action_sign_on_behalf]",
            run: "click",
        },
        {
            content: "The form names Sofia and the session, not a record",
            trigger: ".modal .o_form_view:contains(Sofia Pereira):contains(Atelier tablette):not(:contains(az.attendance.line))",
        },
        {
            content: "The witness",
            trigger: ".modal div[name=witness_name] input",
            run: "edit Jean Témoin",
        },
        {
            content: "The reason",
            trigger: ".modal div[name=reason] input",
            run: "edit Main blessée",
        },
        {
            content: "Only a drawing is possible: no typed or uploaded signature",
            trigger: ".modal .o_az_drawn_signature:not(:has(.o_web_sign_auto_button, input[type=file])) canvas",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            content: "Record it",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Sofia's line is signed on her behalf",
            // the dialog is closed and the method column (not the row's button) says it
            trigger: "body:not(:has(.modal)) .o_form_view .o_data_row:contains(Sofia Pereira) td[name=sign_method]:contains(On behalf)",
        },
    ],
});

registry.category("web_tour.tours").add("az_attendance_qr", {
    steps: () => [
        {
            content: "Lucas picks his name",
            trigger: "label:contains(Lucas M.)",
            run: "click",
        },
        {
            content: "He types the code he received",
            trigger: "input[name=code]",
            run: "edit 246810",
        },
        {
            content: "He signs with his finger",
            trigger: "canvas.o_az_signature_pad",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            content: "The drawing is attached to the form",
            trigger: "input.o_az_signature_value:not(:visible):value(/^data:image\\/png;base64,/)",
        },
        {
            content: "He sends it",
            trigger: "button.o_az_sign_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page thanks him",
            trigger: ".o_az_message:contains(your signature is recorded)",
        },
    ],
});

registry.category("web_tour.tours").add("az_attendance_remote", {
    steps: () => [
        {
            content: "The page names the person and the session",
            trigger: "p:contains(Signing as):contains(Amina D.)",
        },
        {
            content: "Sending an empty pad is not possible",
            trigger: "button.o_az_sign_submit",
            run: "click",
        },
        {
            content: "The pad asks for a drawing",
            trigger: ".border-danger canvas.o_az_signature_pad",
        },
        {
            content: "She signs with her finger",
            trigger: "canvas.o_az_signature_pad",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            content: "The drawing is attached to the form",
            trigger: "input.o_az_signature_value:not(:visible):value(/^data:image\\/png;base64,/)",
        },
        {
            content: "She sends it",
            trigger: "button.o_az_sign_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page thanks her",
            trigger: ".o_az_message:contains(your signature is recorded)",
        },
    ],
});
