import { Component, onWillDestroy, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

// Sent by az.attendance.bundle while the background job builds the ZIP.
const BUS_TYPE = "az_attendance_bundle_progress";

/**
 * The progress of a justification bundle, moved live by the job's bus notifications;
 * when the job changes the bundle's state (being built, ready, failed), the page reads
 * the bundle again and shows the result (the ZIP, its files count) without a reload.
 */
export class BundleProgressField extends Component {
    static template = "az_attendance_funder.BundleProgressField";
    static props = { ...standardFieldProps };

    setup() {
        this.bus = useService("bus_service");
        this.live = useState({ progress: null, done: 0, total: 0 });
        this.onProgress = this.onProgress.bind(this);
        this.bus.subscribe(BUS_TYPE, this.onProgress);
        this.bus.start();
        onWillDestroy(() => this.bus.unsubscribe(BUS_TYPE, this.onProgress));
    }

    get record() {
        return this.props.record;
    }

    get progress() {
        return this.live.progress ?? this.record.data[this.props.name] ?? 0;
    }

    get label() {
        const state = this.record.data.state;
        if (state === "queued") {
            return _t("Waiting for its turn: the build starts in a moment.");
        }
        if (state === "running" && this.live.total) {
            const documents = _t("being built: %(done)s of %(total)s documents", {
                done: this.live.done,
                total: this.live.total,
            });
            return `${this.progress} % · ${documents}`;
        }
        if (state === "running") {
            return `${this.progress} % · ${_t("being built")}`;
        }
        return `${this.progress} %`;
    }

    async onProgress(payload) {
        if (!payload || payload.id !== this.record.resId) {
            return;
        }
        Object.assign(this.live, {
            progress: payload.progress,
            done: payload.done || 0,
            total: payload.total || 0,
        });
        if (payload.state !== this.record.data.state && !this.record.dirty) {
            this.live.progress = null;
            await this.record.load();
        }
    }
}

registry.category("fields").add("az_bundle_progress", {
    component: BundleProgressField,
    supportedTypes: ["integer"],
});
