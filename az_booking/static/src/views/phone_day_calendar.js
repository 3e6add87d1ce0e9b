/** The bookings' calendar opens on one day on a phone: a week of seven columns leaves each
 * appointment a sliver of 40 px on a 390 px screen. A scale the person picked on this device
 * (kept by Odoo's calendar per view) is kept. */
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { calendarView } from "@web/views/calendar/calendar_view";
import { CalendarModel } from "@web/views/calendar/calendar_model";

export class AzPhoneDayCalendarModel extends CalendarModel {
    getLocalStorageScale() {
        const picked = browser.localStorage.getItem(this.storageKey);
        if (this.env.isSmall && !picked && this.meta.scales.includes("day")) {
            return "day";
        }
        return super.getLocalStorageScale();
    }
}

registry.category("views").add("az_phone_day_calendar", {
    ...calendarView,
    Model: AzPhoneDayCalendarModel,
});
