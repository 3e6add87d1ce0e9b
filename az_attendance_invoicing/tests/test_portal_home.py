from odoo.tests import HttpCase, new_test_user, tagged

# the portal home is there and its counters are loaded (Odoo removes the spinner then)
READY = "document.querySelector('.o_portal_my_home') && !document.querySelector('.o_portal_doc_spinner')"


@tagged("post_install", "-at_install")
class TestPortalHome(HttpCase):
    """The portal home offers a beneficiary only what concerns them: no invoices entry for
    someone who has no invoice (Odoo's accounting keeps it shown at zero)."""

    def test_a_beneficiary_without_invoices_is_not_offered_to_pay_invoices(self):
        beneficiary = new_test_user(
            self.env,
            login="az_home_amina",
            password="az_home_amina",
            groups="base.group_portal",
            name="Amina Accueil",
            email="amina.accueil@example.com",
        )
        beneficiary.partner_id.az_is_beneficiary = True
        self.assertFalse(
            self.env["account.move"].with_user(beneficiary).search_count([("move_type", "!=", "entry")]),
            "the beneficiary has no invoice",
        )
        self.authenticate("az_home_amina", "az_home_amina")
        # once the counters are loaded (the spinner goes), no visible entry leads to invoices,
        # though the entry is on the page, hidden; the account's own entry stays offered
        check = """
            const visible = [...document.querySelectorAll('.o_portal_index_card:not(.d-none) a')]
                .map((a) => a.getAttribute('href'));
            const invoices = document.querySelector(".o_portal_index_card a[href*='/my/invoices']");
            if (!invoices) {
                console.error('no invoices entry on ' + location.pathname + ': nothing was checked');
            } else if (visible.some((href) => href.includes('/my/invoices'))) {
                console.error('invoices offered to a beneficiary without invoices: ' + visible.join(' '));
            } else if (!visible.includes('/my/security')) {
                console.error('the account entry is missing: ' + visible.join(' '));
            } else {
                console.log('test successful');
            }
        """
        self.browser_js(
            "/my",
            check,
            ready=READY,
            login="az_home_amina",
        )
