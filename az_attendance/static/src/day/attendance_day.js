import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";

/**
 * "My sessions of the day": the trainer's sessions of today (each in its site's time zone)
 * with who has signed, and one tap to every action of the room: open signing, the kiosk,
 * the QR code, signing on someone's behalf, arrival and departure, co-signature and
 * validation. Made for a phone or a tablet held in one hand: large buttons, names in full.
 */
export class AttendanceDay extends Component {
    static template = "az_attendance.AttendanceDay";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({ sessions: [], loaded: false, busy: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.sessions = await this.orm.call("az.attendance.session", "day_data", []);
        this.state.loaded = true;
    }

    /** Run a button of ``model`` on ``id`` as the back office does, then show the day again. */
    async run(model, id, method) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            await this.action.doActionButton({
                type: "object",
                resModel: model,
                resId: id,
                name: method,
                // the user's language and time zone: the dialogs and messages of the buttons
                // speak them as the rest of the screen
                context: user.context,
                onClose: () => this.load(),
            });
            await this.load();
        } finally {
            this.state.busy = false;
        }
    }

    session(session, method) {
        return this.run("az.attendance.session", session.id, method);
    }

    line(line, method) {
        return this.run("az.attendance.line", line.id, method);
    }

    signedSummary(session) {
        return _t("%(signed)s of %(count)s signed", {
            signed: session.signed_count,
            count: session.participant_count,
        });
    }
}

registry.category("actions").add("az_attendance_day", AttendanceDay);
