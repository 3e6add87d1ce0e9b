import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { SignatureDialog } from "@web/core/signature/signature_dialog";
import { useService } from "@web/core/utils/hooks";
import { browser } from "@web/core/browser/browser";

const QUEUE_KEY = "az_attendance_kiosk_queue";

function loadQueue() {
    try {
        return JSON.parse(browser.localStorage.getItem(QUEUE_KEY) || "[]");
    } catch {
        return [];
    }
}

function saveQueue(queue) {
    browser.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
}

/**
 * Kiosk for a tablet: the session's participants as large buttons; a participant taps
 * their name and signs with a finger. Signatures taken while the network is down are kept
 * on the device with their device time and sent as soon as it comes back.
 */
export class AttendanceKiosk extends Component {
    static template = "az_attendance.Kiosk";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.state = useState({
            sessionId: this.props.action.params?.session_id || this.props.action.context?.active_id,
            session: null,
            sessions: [],
            pending: loadQueue().length,
            lastSigned: null,
        });
        onWillStart(() => this.load());
        this.onOnline = () => this.flushQueue();
        browser.addEventListener("online", this.onOnline);
        this.interval = browser.setInterval(() => this.flushQueue(), 30000);
        onWillUnmount(() => {
            browser.removeEventListener("online", this.onOnline);
            browser.clearInterval(this.interval);
        });
    }

    async load() {
        if (this.state.sessionId) {
            this.state.session = await this.orm.call("az.attendance.session", "kiosk_data", [
                [this.state.sessionId],
            ]);
        } else {
            this.state.sessions = await this.orm.call(
                "az.attendance.session",
                "kiosk_open_sessions",
                []
            );
        }
    }

    async chooseSession(sessionId) {
        this.state.sessionId = sessionId;
        await this.load();
    }

    get lines() {
        return this.state.session ? this.state.session.lines : [];
    }

    isPendingLocally(line) {
        return loadQueue().some((item) => item.line_id === line.id);
    }

    onClickLine(line) {
        if (line.signed || this.isPendingLocally(line) || !line.can_sign) {
            return;
        }
        this.dialog.add(SignatureDialog, {
            defaultName: line.name,
            nameAndSignatureProps: { mode: "draw", noInputName: true },
            uploadSignature: ({ signatureImage }) => this.submit(line, signatureImage),
        });
    }

    async submit(line, signatureImage) {
        const item = {
            line_id: line.id,
            signature: signatureImage,
            device_time: new Date().toISOString(),
        };
        let result;
        try {
            result = await rpc("/attendance/kiosk/sign", { ...item, offline: false });
        } catch (error) {
            if (error instanceof ConnectionLostError || !browser.navigator.onLine) {
                const queue = loadQueue();
                queue.push(item);
                saveQueue(queue);
                this.state.pending = queue.length;
                line.offline_pending = true;
                this.notification.add(
                    _t("No network: the signature of %s is kept on this device and will be sent later.", line.name),
                    { type: "warning" }
                );
                return;
            }
            throw error;
        }
        this.applyResult(line, result);
    }

    applyResult(line, result) {
        if (result.ok) {
            Object.assign(line, result.line);
            this.state.lastSigned = line.name;
            this.notification.add(_t("Thank you %s, your signature is recorded.", line.name), {
                type: "success",
            });
        } else {
            this.notification.add(result.error, { type: "danger" });
        }
    }

    async flushQueue() {
        const queue = loadQueue();
        if (!queue.length) {
            return;
        }
        const remaining = [];
        for (const item of queue) {
            try {
                const result = await rpc(
                    "/attendance/kiosk/sign",
                    { ...item, offline: true },
                    { silent: true }
                );
                const line = this.lines.find((l) => l.id === item.line_id);
                if (line) {
                    line.offline_pending = false;
                    this.applyResult(line, result);
                }
            } catch {
                remaining.push(item);
            }
        }
        saveQueue(remaining);
        this.state.pending = remaining.length;
    }

    async refresh() {
        await this.flushQueue();
        await this.load();
    }
}

registry.category("actions").add("az_attendance_kiosk", AttendanceKiosk);
