"""Nothing of ours cut, nothing off-screen: the public, portal and back-office pages of booking
and attendance in French at 390, 820 and 1366 px (``audit_layout`` of
az_project_base/tests/browser_audit.py). French words are longer than English ones: the
pages are audited in the language of the demo."""

import json
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.az_project_base.tests.browser_audit import AccessibilityAuditMixin
from odoo.addons.az_project_base.tests.keyboard import LiveBrowser

# the web client opened an action and shows it (a wizard in its dialog), nothing loading
BACKEND_SHOWN = (
    "!!document.querySelector('.o_action_manager > .o_action, .o_dialog .modal-body')"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
)


def open_action(action, **options):
    """JavaScript asking the web client to open ``action`` (an xml id or an action)."""
    # on a phone the web client opens a list action on its kanban whatever the view asked
    # (Odoo's mobile_view_mode): the asked view is then switched to, as a person would; a
    # dialog's action may answer only once the dialog closes: the page is checked once shown
    return (
        "(async () => { const env = odoo.loader.modules.get('@odoo/owl').Component.env;"
        f" const options = {json.dumps(options)};"
        f" await Promise.race([env.services.action.doAction({json.dumps(action)}, options),"
        " new Promise((resolve) => setTimeout(resolve, 20000))]);"
        " const wanted = options.viewType; const controller = env.services.action.currentController;"
        " if (wanted && controller.view && controller.view.type !== wanted) {"
        " await env.services.action.switchView(wanted, options.props || {}); }"
        " return true; })()"
    )


@tagged("post_install", "-at_install")
class TestLayoutAudit(AccessibilityAuditMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True, tracking_disable=True))
        env["res.lang"]._activate_lang("fr_FR")
        modules = [
            "web",
            "portal",
            "website",
            "az_project_base",
            "az_booking",
            "az_attendance",
            "az_booking_attendance",
        ]
        env["ir.module.module"]._load_module_terms(modules, ["fr_FR"], overwrite=True)
        env.ref("base.user_admin").lang = "fr_FR"
        env["website"].search([]).write(
            {
                "language_ids": [Command.link(env.ref("base.lang_fr").id)],
                "default_lang_id": env.ref("base.lang_fr").id,
            }
        )
        calendar = env["resource.calendar"].create(
            {
                "name": "Tous les jours 8h-20h",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Jour {day}",
                            "dayofweek": str(day),
                            "hour_from": 8.0,
                            "hour_to": 20.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        cls.staff = new_test_user(
            env,
            login="az_layout_staff",
            password="az_layout_staff",
            name="Inès Conseillère-Durand",
            groups="base.group_user,az_project_base.group_user",
            tz="Europe/Paris",
            lang="fr_FR",
        )
        env["resource.resource"].create(
            {
                "name": cls.staff.name,
                "user_id": cls.staff.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Paris",
            }
        )
        project = env["project.project"].create({"name": "Accès aux droits et inclusion numérique"})
        cls.booking_type = env["az.booking.type"].create(
            {
                "name": "Premier rendez-vous d'accompagnement numérique",
                "project_id": project.id,
                "duration": 1.0,
                "slot_step": 1.0,
                "min_notice_hours": 2,
                "horizon_days": 30,
                "tz": "Europe/Paris",
                "is_published": True,
                "assignment": "specific",
                "staff_user_ids": [Command.set(cls.staff.ids)],
                "specific_user_id": cls.staff.id,
                "company_id": env.company.id,
            }
        )
        cls.portal_user = new_test_user(
            env,
            login="az_layout_portal",
            password="az_layout_portal",
            name="Nadia Benali-Fontaine",
            groups="base.group_portal",
            email="nadia.layout@example.com",
            lang="fr_FR",
        )
        cls.portal_user.partner_id.az_is_beneficiary = True
        now = fields.Datetime.now().replace(microsecond=0)
        slots = cls.booking_type._get_free_slots(now, now + timedelta(days=7))
        env["az.booking"].sudo().create(
            {
                "type_id": cls.booking_type.id,
                "partner_id": cls.portal_user.partner_id.id,
                "booked_by_id": cls.portal_user.partner_id.id,
                "booked_by_kind": "self",
                "start": slots[-1]["start"],
                "stop": slots[-1]["stop"],
            }
        )
        site = cls.site = env["az.site"].create(
            {"name": "Maison des solidarités de Bordeaux-Bastide", "city": "Bordeaux", "tz": "Europe/Paris"}
        )
        env["az.site.area"].create(
            [
                {"site_id": site.id, "postcode": "33100", "insee_code": "33063", "city": "Bordeaux"},
                {"site_id": site.id, "postcode": "33100", "city": "Bordeaux", "street": "Avenue Thiers"},
            ]
        )
        cls.booking_type.site_ids = site
        cls.att_session = env["az.attendance.session"].create(
            {
                "name": "Atelier numérique : démarches en ligne et messagerie",
                "project_id": project.id,
                "site_id": site.id,
                "trainer_ids": [Command.set(cls.staff.ids)],
                "start": now - timedelta(minutes=30),
                "stop": now + timedelta(hours=1),
            }
        )
        other = env["res.partner"].create({"name": "Karim Benali-Lefèvre", "az_is_beneficiary": True})
        cls.att_session._add_participants(cls.portal_user.partner_id | other)
        cls.att_session.action_open()
        cls.wizard = (
            env["az.booking.book.wizard"]
            .with_user(cls.staff)
            .create({"type_id": cls.booking_type.id, "partner_id": other.id})
        )
        cls.wizard.action_search_slots()

    def audit_backend(self, label, action, login="admin", **options):
        self.audit_layout(
            "/odoo", label, login=login, prepare=open_action(action, **options), shown=BACKEND_SHOWN
        )

    def test_public_and_portal_pages(self):
        self.audit_layout("/", "the home page")
        self.audit_layout("/contactus", "the contact page")
        self.audit_layout("/booking", "the list of booking types")
        self.audit_layout(f"/booking/{self.booking_type.id}", "the free times of a type")
        self.audit_layout(
            "/booking/address?address=12+avenue+Thiers+33100+Bordeaux", "the types for an address"
        )
        self.audit_layout(f"/attendance/qr/{self.att_session.qr_token}", "the QR signing page")
        line = self.att_session.line_ids.filtered(lambda line: line.partner_id == self.portal_user.partner_id)
        self.audit_layout(f"/attendance/sign/{line._get_remote_token()}", "the remote signing page")
        self.audit_layout(
            f"/attendance/kiosk/{self.att_session.id}",
            "the kiosk",
            login="az_layout_staff",
            ready="!!document.querySelector('.o_az_kiosk')",
        )
        self.att_session.kiosk_rotating_qr = True
        self.audit_layout(
            f"/attendance/kiosk/{self.att_session.id}",
            "the kiosk with the rotating QR code",
            login="az_layout_staff",
            ready="!!document.querySelector('.o_az_kiosk_qr_image')",
        )
        self.att_session.kiosk_rotating_qr = False
        self.audit_layout("/my/bookings", "the person's bookings", login="az_layout_portal")
        self.audit_layout("/my/attendance", "the person's attendance", login="az_layout_portal")

    def test_booking_back_office(self):
        for view_type in ("calendar", "list", "kanban"):
            self.audit_backend(
                f"the bookings ({view_type})",
                "az_booking.az_booking_action",
                "az_layout_staff",
                viewType=view_type,
            )
        self.audit_backend(
            "the staff booking wizard with its free times",
            {
                "type": "ir.actions.act_window",
                "res_model": "az.booking.book.wizard",
                "res_id": self.wizard.id,
                "views": [[False, "form"]],
                "target": "new",
            },
            "az_layout_staff",
        )
        self.audit_backend(
            "the series wizard", "az_booking.az_booking_series_wizard_action", "az_layout_staff"
        )
        self.audit_backend(
            "a site and the areas it serves",
            {
                "type": "ir.actions.act_window",
                "res_model": "az.site",
                "res_id": self.site.id,
                "views": [[False, "form"]],
            },
            "az_layout_staff",
        )

    def test_attendance_back_office(self):
        self.audit_backend(
            "today's sessions",
            "az_attendance.az_attendance_session_action",
            "az_layout_staff",
            viewType="list",
            additionalContext={"search_default_today": 1},
        )
        self.audit_backend(
            "the session form",
            "az_attendance.az_attendance_session_action",
            "az_layout_staff",
            viewType="form",
            props={"resId": self.att_session.id},
        )
        action = self.att_session.with_user(self.staff).action_show_qr()
        action["views"] = [list(view) for view in action["views"]]
        self.audit_backend("the QR code of the session", action, "az_layout_staff")

    def test_phone_shows_the_next_appointment_first_and_one_day(self):
        """On a phone the bookings' calendar opens on one day, and the kanban lists the next
        appointment before the later ones."""
        partner = self.env["res.partner"].create({"name": "Samia Haddad"})
        now = fields.Datetime.now().replace(microsecond=0)
        slots = self.booking_type._get_free_slots(now, now + timedelta(days=20))
        later = self.env["az.booking"].create(
            {
                "type_id": self.booking_type.id,
                "partner_id": partner.id,
                "start": slots[-2]["start"],
                "stop": slots[-2]["stop"],
            }
        )
        sooner = self.env["az.booking"].create(
            {
                "type_id": self.booking_type.id,
                "partner_id": partner.id,
                "start": slots[0]["start"],
                "stop": slots[0]["stop"],
            }
        )
        self.assertLess(sooner.start, later.start)
        with LiveBrowser(self, "/odoo", login="az_layout_staff", size="390x844", touch=True) as page:
            page.evaluate(open_action("az_booking.az_booking_action", viewType="calendar"), timeout=60)
            page.wait_for(BACKEND_SHOWN + " && !!document.querySelector('.o_calendar_renderer .fc-view')")
            self.assertTrue(
                page.evaluate("!!document.querySelector('.fc-timeGridDay-view')"),
                "on a phone the calendar opens on one day",
            )
            page.evaluate(open_action("az_booking.az_booking_action", viewType="kanban"), timeout=60)
            page.wait_for(BACKEND_SHOWN + " && !!document.querySelector('.o_kanban_record')")
            names = page.evaluate(
                "[...document.querySelectorAll('.o_kanban_group')].find((g) => g.innerText.includes('Samia'))"
                ".innerText"
            )
            self.assertLess(
                names.index(sooner.name), names.index(later.name), "the next appointment comes first"
            )
