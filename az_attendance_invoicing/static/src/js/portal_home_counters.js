/** @odoo-module */

import { PortalHomeCounters } from "@portal/js/portal";

/**
 * The portal home shows an entry only when its counter is not zero, as Odoo does for every
 * entry but the invoices, which the accounting app keeps shown at zero. The people of a
 * structure (beneficiaries, trainees) have no invoice: "Your invoices … pay your invoices"
 * would offer them something that does not concern them. This addon depends on `account`,
 * so that this runs after its own rule.
 */
PortalHomeCounters.include({
    _getCountersAlwaysDisplayed() {
        return this._super(...arguments).filter((counter) => counter !== "invoice_count");
    },
});
