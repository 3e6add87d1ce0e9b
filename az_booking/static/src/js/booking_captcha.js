/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { ReCaptcha } from "@google_recaptcha/js/recaptcha";

/**
 * When an administrator enables reCAPTCHA (or Turnstile), the booking form gets its token
 * before it is sent; the server checks it with ir.http._verify_request_recaptcha_token.
 * Without a key configured the form is sent as it is (it also works without JavaScript).
 */
publicWidget.registry.AzBookingCaptcha = publicWidget.Widget.extend({
    selector: ".o_az_booking_form",
    events: {
        submit: "_onSubmit",
    },

    init() {
        this._super(...arguments);
        this._recaptcha = new ReCaptcha();
    },

    async willStart() {
        return this._recaptcha.loadLibs();
    },

    _onSubmit(ev) {
        if (this._recaptcha._publicKey && !this.el.querySelector("input[name='recaptcha_token_response']")) {
            ev.preventDefault();
            this._recaptcha.getToken("az_booking_submit").then((tokenCaptcha) => {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = "recaptcha_token_response";
                input.value = tokenCaptcha.token || "";
                this.el.appendChild(input);
                this.el.submit();
            });
        }
    },
});
