import { App, Component, onMounted, onWillStart, onWillUnmount, useRef, useState, whenReady } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { getTemplate } from "@web/core/templates";
import { useService } from "@web/core/utils/hooks";
import { makeEnv, startServices } from "@web/env";
import { SignatureDrawing } from "@az_attendance/signature/signature_drawing";

const QUEUE_KEY = "az_attendance_kiosk_queue";
const THANKS_DELAY = 2500;
// The server answered, but its database could not be reached (a restart): kept and sent
// again like a signature taken without network, never shown as an error to the person.
const DATABASE_LOST =
    /^psycopg2\.(OperationalError|InterfaceError|errors\.(AdminShutdown|CrashShutdown|CannotConnectNow))$/;

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
 * The drawing board of the kiosk: the person's name and the session above the pad, "Sign"
 * once something is drawn. Built on the same SignatureDrawing as the public pages.
 */
export class KioskSignatureBoard extends Component {
    static template = "az_attendance.KioskSignatureBoard";
    static props = ["name", "session", "onSign", "onCancel"];

    setup() {
        this.canvasRef = useRef("canvas");
        this.state = useState({ value: "" });
        onMounted(() => {
            this.drawing = new SignatureDrawing(this.canvasRef.el, {
                height: 260,
                onChange: (value) => (this.state.value = value),
            });
        });
        onWillUnmount(() => this.drawing?.destroy());
    }

    clear() {
        this.drawing.clear();
    }

    sign() {
        if (this.state.value) {
            this.props.onSign(this.state.value, this.drawing.toStrokes());
        }
    }
}

/**
 * A kiosk of its own, full screen, for a tablet lent to participants: no Odoo menu, no way
 * into the back office. It shows the session's participants by name (never a code); a
 * participant taps their name and draws their signature. Leaving the kiosk or changing the
 * session asks for the staff member's password. Signatures taken while the network is down
 * are kept on the device with their device time and sent as soon as it comes back.
 */
export class AttendanceKioskApp extends Component {
    static template = "az_attendance.KioskApp";
    static components = { KioskSignatureBoard, MainComponentsContainer };
    static props = ["sessionId", "userName"];

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({
            session: null,
            sessions: [],
            pending: loadQueue().length,
            signing: null,
            thanks: null,
            unlock: null,
            unlockError: "",
            qr: null,
            qrLost: false,
        });
        onWillStart(() => this.load());
        this.onOnline = () => this.flushQueue();
        browser.addEventListener("online", this.onOnline);
        this.interval = browser.setInterval(() => this.flushQueue(), 30000);
        onWillUnmount(() => {
            browser.removeEventListener("online", this.onOnline);
            browser.clearInterval(this.interval);
            browser.clearTimeout(this.qrTimeout);
        });
    }

    async load() {
        if (this.props.sessionId) {
            this.state.session = await this.orm.call("az.attendance.session", "kiosk_data", [
                [this.props.sessionId],
            ]);
            this.state.qr = this.state.session.rotating_qr || null;
            this.scheduleQr(this.state.qr?.refresh_ms);
        } else {
            this.state.sessions = await this.orm.call(
                "az.attendance.session",
                "kiosk_open_sessions",
                []
            );
        }
    }

    /**
     * The rotating QR code, when the session shows it on the kiosk: the next image is asked of
     * the server at each step (the value is signed there; nothing secret reaches the tablet).
     */
    scheduleQr(delay) {
        browser.clearTimeout(this.qrTimeout);
        if (this.state.qr) {
            this.qrTimeout = browser.setTimeout(() => this.nextQr(), delay || 10000);
        }
    }

    async nextQr() {
        let delay = 3000;
        try {
            const response = await browser.fetch(`/attendance/kiosk/${this.props.sessionId}/qr`, {
                credentials: "same-origin",
                cache: "no-store",
            });
            if (response.status === 404) {
                // the option was turned off or signing closed: the names stay
                this.state.qr = null;
                return;
            }
            if (!response.ok) {
                throw new Error(String(response.status));
            }
            this.state.qr = await response.json();
            this.state.qrLost = false;
            delay = this.state.qr.refresh_ms;
        } catch {
            this.state.qrLost = true;
        }
        this.scheduleQr(delay);
    }

    get lines() {
        return this.state.session ? this.state.session.lines : [];
    }

    enterFullscreen() {
        const root = document.documentElement;
        if (!document.fullscreenElement && root.requestFullscreen) {
            root.requestFullscreen().catch(() => {});
        }
    }

    isPendingLocally(line) {
        return loadQueue().some((item) => item.line_id === line.id);
    }

    onClickLine(line) {
        this.enterFullscreen();
        if (line.signed || line.offline_pending || this.isPendingLocally(line) || !line.can_sign) {
            return;
        }
        this.state.signing = line;
    }

    async onSign(signature, strokes) {
        const line = this.state.signing;
        this.state.signing = null;
        const item = {
            line_id: line.id,
            signature,
            strokes,
            device_time: new Date().toISOString(),
        };
        let result;
        try {
            result = await rpc("/attendance/kiosk/sign", { ...item, offline: false });
        } catch (error) {
            if (
                error instanceof ConnectionLostError ||
                !browser.navigator.onLine ||
                DATABASE_LOST.test(error.data?.name || "")
            ) {
                const queue = loadQueue();
                queue.push(item);
                saveQueue(queue);
                this.state.pending = queue.length;
                line.offline_pending = true;
                this.showThanks(line.name, true);
                return;
            }
            throw error;
        }
        this.applyResult(line, result, true);
    }

    showThanks(name, offline = false) {
        this.state.thanks = { name, offline };
        browser.clearTimeout(this.thanksTimeout);
        this.thanksTimeout = browser.setTimeout(() => (this.state.thanks = null), THANKS_DELAY);
    }

    applyResult(line, result, live) {
        if (result.ok) {
            Object.assign(line, result.line);
            if (live) {
                this.showThanks(line.name);
            }
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
                    this.applyResult(line, result, false);
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

    chooseSession(sessionId) {
        browser.location.assign(`/attendance/kiosk/${sessionId}`);
    }

    askUnlock(target) {
        this.state.unlock = target;
        this.state.unlockError = "";
    }

    async unlock(ev) {
        ev.preventDefault();
        const password = ev.target.elements.password.value;
        const result = await rpc("/attendance/kiosk/unlock", {
            session_id: this.props.sessionId,
            password,
        });
        if (!result.ok) {
            this.state.unlockError = result.error;
            ev.target.elements.password.value = "";
            return;
        }
        if (document.fullscreenElement) {
            document.exitFullscreen().catch(() => {});
        }
        browser.location.assign(
            this.state.unlock === "switch" ? "/attendance/kiosk" : result.url
        );
    }
}

export async function startAttendanceKiosk(info) {
    await whenReady();
    const env = makeEnv();
    await startServices(env);
    const app = new App(AttendanceKioskApp, {
        getTemplate,
        env,
        props: { sessionId: info.session_id, userName: info.user_name },
        dev: env.debug,
        translateFn: _t,
        translatableAttributes: ["data-tooltip"],
    });
    return app.mount(document.body);
}
