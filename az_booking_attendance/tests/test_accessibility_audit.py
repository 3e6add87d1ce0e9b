"""Every public and portal page of the booking and attendance addons, audited in Chromium
with axe-core at phone (320 px) and desktop widths: no serious or critical violation, no
horizontal scroll. See az_project_base/tests/browser_audit.py."""

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.az_project_base.tests.browser_audit import (
    PHONE,
    SUBMIT_FIRST_FORM,
    TABLET,
    AccessibilityAuditMixin,
)


@tagged("post_install", "-at_install")
class TestAccessibilityAudit(AccessibilityAuditMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True, tracking_disable=True))
        calendar = env["resource.calendar"].create(
            {
                "name": "Audit, every day 8-20",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
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
            login="az_audit_staff",
            password="az_audit_staff",
            name="Inès Conseillère",
            groups="base.group_user,az_project_base.group_user",
            tz="Europe/Paris",
        )
        env["resource.resource"].create(
            {
                "name": cls.staff.name,
                "user_id": cls.staff.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Paris",
            }
        )
        cls.project = env["project.project"].create({"name": "Accès aux droits"})
        cls.booking_type = env["az.booking.type"].create(
            {
                "name": "Premier rendez-vous",
                "project_id": cls.project.id,
                "duration": 1.0,
                "slot_step": 1.0,
                "min_notice_hours": 2,
                "horizon_days": 30,
                "cancel_deadline_hours": 1,
                "tz": "Europe/Paris",
                "is_published": True,
                "assignment": "specific",
                "staff_user_ids": [Command.set(cls.staff.ids)],
                "specific_user_id": cls.staff.id,
                "company_id": env.company.id,
            }
        )
        env["az.booking.question"].create(
            {
                "type_id": cls.booking_type.id,
                "name": "Votre besoin",
                "answer_type": "text",
                "is_required": True,
            }
        )
        cls.portal_user = new_test_user(
            env,
            login="az_audit_portal",
            password="az_audit_portal",
            name="Nadia Audit",
            groups="base.group_portal",
            email="nadia.audit@example.com",
        )
        now = fields.Datetime.now().replace(microsecond=0)
        cls.slots = cls.booking_type._get_free_slots(now - timedelta(days=1), now + timedelta(days=7))
        env["az.booking"].sudo().create(
            {
                "type_id": cls.booking_type.id,
                "partner_id": cls.portal_user.partner_id.id,
                "booked_by_id": cls.portal_user.partner_id.id,
                "booked_by_kind": "self",
                "start": cls.slots[-1]["start"],
                "stop": cls.slots[-1]["stop"],
            }
        )
        # attendance: a session under way with the portal user and another person
        site = env["az.site"].create(
            {"name": "Maison des solidarités", "city": "Bordeaux", "tz": "Europe/Paris"}
        )
        cls.att_session = env["az.attendance.session"].create(
            {
                "name": "Atelier démarches en ligne",
                "project_id": cls.project.id,
                "site_id": site.id,
                "trainer_ids": [Command.set(cls.staff.ids)],
                "start": now - timedelta(minutes=30),
                "stop": now + timedelta(hours=1),
            }
        )
        other = env["res.partner"].create({"name": "Karim Benali", "az_is_beneficiary": True})
        cls.att_session._add_participants(cls.portal_user.partner_id | other)
        cls.att_session.action_open()
        cls.line = cls.att_session.line_ids.filtered(
            lambda line: line.partner_id == cls.portal_user.partner_id
        )

    def _free_slots(self):
        """Free slots as of now, an hour past the minimum notice: the notice moves while the
        audit runs, and a slot at its edge would no longer be offered a minute later."""
        now = fields.Datetime.now().replace(microsecond=0)
        slots = self.booking_type._get_free_slots(now - timedelta(days=1), now + timedelta(days=7))
        margin = now + timedelta(hours=self.booking_type.min_notice_hours + 1)
        return [slot for slot in slots if slot["start"] >= margin]

    def _book(self):
        """Book the first free slot as a visitor; the address of the confirmation page."""
        self.authenticate(None, None)
        slot = self._free_slots()[0]
        form_url = f"/booking/{self.booking_type.id}/book?start={slot['start'].strftime('%Y-%m-%dT%H:%M')}"
        page = self.url_open(form_url)
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.content).xpath("//main//form[@method='post']")[0]
        data = {
            field.get("name"): field.get("value") or ""
            for field in form.xpath(".//input[@type='hidden'][@name]")
        }
        question = self.booking_type.question_ids[:1]
        data.update(
            {
                "name": "Samia Haddad",
                "email": "samia.audit@example.com",
                "phone": "+33 6 12 34 56 78",
                f"question_{question.id}": "Une aide pour un dossier",
                "consent": "1",
            }
        )
        data.pop("website_url", None)  # the field people leave empty
        answer = self.url_open(form.get("action"), data=data, allow_redirects=False)
        self.assertEqual(answer.status_code, 303, answer.text[:300])
        location = urlsplit(answer.headers["Location"])
        return location.path + (f"?{location.query}" if location.query else "")

    def test_booking_pages(self):
        type_url = f"/booking/{self.booking_type.id}"
        slots = self._free_slots()
        self.assertTrue(slots, "the audit needs free slots")
        self.audit_page("/booking", "the list of booking types")
        self.audit_page(f"{type_url}?week={slots[0]['start'].date().isoformat()}", "a week of free slots")
        far = fields.Date.today() + timedelta(days=120)
        self.audit_page(f"{type_url}?week={far.isoformat()}", "a week without free slots")
        form = f"{type_url}/book?start={slots[0]['start'].strftime('%Y-%m-%dT%H:%M')}"
        self.audit_page(form, "the empty booking form")
        self.audit_page(form, "the booking form with its errors", prepare=SUBMIT_FIRST_FORM)
        confirmation = self._book()
        self.audit_page(confirmation, "the booking confirmation")
        # the personal page and its confirmation steps, through the link sent to the person
        path, query = confirmation.split("?", 1)
        token = parse_qs(query)["access_token"][0]
        self.audit_page(f"{path}?access_token={token}", "the personal page of a booking")
        self.audit_page(f"{path}/reschedule?access_token={token}", "the choice of another time")
        booking_id = int(path.rsplit("/", 1)[1])
        booking = self.env["az.booking"].sudo().browse(booking_id)
        other = next(slot for slot in self._free_slots() if slot["start"] != booking.start)
        self.audit_page(
            f"{path}/reschedule?access_token={token}&start={other['start'].strftime('%Y-%m-%dT%H:%M')}",
            "the confirmation before moving",
        )
        self.audit_page(f"{path}/cancel?access_token={token}", "the confirmation before cancelling")
        self.audit_page(
            f"{path}/cancel?access_token={token}",
            "the page after cancelling",
            widths=(PHONE,),
            prepare=SUBMIT_FIRST_FORM,
        )
        self.audit_page("/booking/manage/1-an-old-link", "the answer to an old link")

    def test_kiosk(self):
        self.audit_page(
            f"/attendance/kiosk/{self.att_session.id}",
            "the kiosk",
            login="az_audit_staff",
            widths=(PHONE, TABLET),
            ready="!!document.querySelector('.o_az_kiosk')",
        )
        self.att_session.kiosk_rotating_qr = True
        self.audit_page(
            f"/attendance/kiosk/{self.att_session.id}",
            "the kiosk with the rotating QR code",
            login="az_audit_staff",
            widths=(PHONE, TABLET),
            ready="!!document.querySelector('.o_az_kiosk_qr_image')",
        )

    def test_portal_pages(self):
        self.audit_page("/my/bookings", "the person's bookings", login="az_audit_portal")
        self.audit_page("/my/attendance", "the person's attendance", login="az_audit_portal")
        self.audit_page(
            f"/my/attendance/{self.line.id}/justification",
            "the form sending a proof of absence",
            login="az_audit_portal",
        )

    def test_signing_pages(self):
        self.audit_page(f"/attendance/qr/{self.att_session.qr_token}", "the QR signing page")
        self.audit_page(f"/attendance/sign/{self.line._get_remote_token()}", "the remote signing page")

    def test_verify_pages(self):
        for index, line in enumerate(self.att_session.line_ids, start=1):
            line._record_signature(self._signature(index), "kiosk", ip="10.0.0.1", user_agent="Tablet")
        self.att_session.trainer_signature = base64.b64encode(self._png(99))
        self.att_session.early_validation_reason = "Tout le monde a signé"
        self.att_session.action_validate()
        self.assertEqual(self.att_session.state, "validated")
        self.env.flush_all()
        url = self.att_session.verify_url.split("/attendance/", 1)[1]
        url = f"/attendance/{url}"  # as printed on the sheet: with the seal of the paper
        self.audit_page(url, "the verify page of an intact sheet")
        self.env.cr.execute("UPDATE az_attendance_line SET status = 'absent' WHERE id = %s", [self.line.id])
        self.audit_page(url, "the verify page of a changed sheet")

    @staticmethod
    def _png(seed):
        import io

        from PIL import Image, ImageDraw

        image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
        ImageDraw.Draw(image).line(
            [(10, 80), (60 + seed, 20), (150, 70), (290, 30)], fill=(10, 20, 120, 255), width=3
        )
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return stream.getvalue()

    def _signature(self, seed):
        return "data:image/png;base64," + base64.b64encode(self._png(seed)).decode()
