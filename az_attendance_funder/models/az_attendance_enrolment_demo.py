import base64
import io
from datetime import datetime, time, timedelta

from PIL import Image, ImageDraw

from odoo import api, fields, models

# The workshops of the funder's file: weeks before the day the demo is made, title, trainer
# (xml id), and the minutes after the start at which each participant signed on the kiosk.
WORKSHOPS = [
    (3, "Atelier : naviguer sur internet", "az_attendance.res_users_trainer_nadia_demo", (4, 7, 11)),
    (2, "Atelier : démarches en ligne", "az_attendance.res_users_trainer_julien_demo", (2, 9, 13)),
    (1, "Atelier : sécuriser ses comptes", "az_attendance.res_users_trainer_nadia_demo", (5, 6, 12)),
]


def _drawn(seed):
    """A hand-drawn looking stroke, different for each seed (the demo's signatures)."""
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        [(10, 80), (60 + seed * 7, 20), (120, 70), (200 + seed, 30), (290, 60)],
        fill=(10, 20, 120, 255),
        width=3,
    )
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


class AzAttendanceEnrolment(models.Model):
    _inherit = "az.attendance.enrolment"

    @api.model
    def _demo_funder_file(self):
        """Demo data of the funder's file: three workshops of the digital project in the last
        weeks, each planned a week ahead, signed on the kiosk during the session, signed and
        validated by the trainer who ran it at its end (the story is played at its own times,
        so that every date of the sheets, the ledger and the chatter is the day it happened),
        told in the company's language; enrolments (certificates ready to issue), one proof
        of absence waiting for a decision and one drop-out alert (Lucas missed all three)."""
        # freezegun comes with Odoo's requirements; imported here, where the demo needs it
        from freezegun import freeze_time

        ref = self.env.ref
        project = ref("az_project_base.project_project_digital_demo")
        if self.search_count([("project_id", "=", project.id)]):
            return True  # a database made before the funder's file was an addon has it already
        company = project.company_id or self.env.company
        lang = company.partner_id.lang
        self = self.with_context(lang=lang if lang and self.env["res.lang"]._get_data(code=lang) else None)
        amina = ref("az_project_base.res_partner_beneficiary_amina_demo")
        lucas = ref("az_project_base.res_partner_beneficiary_lucas_demo")
        sofia = ref("az_project_base.res_partner_beneficiary_sofia_demo")
        admin = ref("base.user_admin")
        company.write(
            {
                "az_legal_representative": company.az_legal_representative or "Claire Martin, présidente",
                "az_certificate_signature": company.az_certificate_signature or base64.b64encode(_drawn(11)),
            }
        )
        Session = self.env["az.attendance.session"]
        today = fields.Date.context_today(self)
        sheets = Session.browse()
        for weeks, title, trainer_xmlid, minutes in WORKSHOPS:
            trainer = ref(trainer_xmlid)
            # 09:00 in Bordeaux in winter, 10:00 in summer: the session is stored in UTC
            start = datetime.combine(today - timedelta(weeks=weeks, days=-1), time(8, 0))
            stop = start + timedelta(hours=3)
            with freeze_time(start - timedelta(days=7, hours=-1)):
                session = Session.create(
                    {
                        "name": title,
                        "project_id": project.id,
                        "site_id": ref("az_project_base.az_site_bordeaux_demo").id,
                        "trainer_ids": [(6, 0, trainer.ids)],
                        "start": start,
                        "stop": stop,
                    }
                )
                session._add_participants(amina | lucas | sofia)
            with freeze_time(start - timedelta(minutes=10)):
                session.with_user(trainer).action_open()
            for index, line in enumerate(session.line_ids.sorted("id"), start=1):
                if line.partner_id == lucas:
                    line.status = "absent"
                    continue
                with freeze_time(start + timedelta(minutes=minutes[index - 1])):
                    line.with_user(trainer)._record_signature(
                        "data:image/png;base64," + base64.b64encode(_drawn(index)).decode(),
                        "kiosk",
                        ip="10.0.0.%s" % index,
                        user_agent="Tablette de l'accueil",
                    )
            with freeze_time(stop - timedelta(minutes=5)):
                session.with_user(trainer).trainer_signature = base64.b64encode(_drawn(9))
            with freeze_time(stop + timedelta(minutes=10)):
                session.with_user(trainer).action_validate()
            sheets |= session
        employer = self.env["res.partner"].create(
            {"name": "Épicerie solidaire de la Bastide", "is_company": True, "lang": lang or False}
        )
        self.create(
            [
                {
                    "partner_id": amina.id,
                    "project_id": project.id,
                    "referent_id": admin.id,
                    "employer_id": employer.id,
                    "planned_hours_set": 12.0,
                },
                {"partner_id": lucas.id, "project_id": project.id, "referent_id": admin.id},
                {"partner_id": sofia.id, "project_id": project.id, "referent_id": admin.id},
            ]
        )
        # Lucas sent a medical note for the last workshop: it waits for a decision
        last_lucas = sheets[-1].line_ids.filtered(lambda ln: ln.partner_id == lucas)
        self.env["az.attendance.justification"].create(
            {
                "line_id": last_lucas.id,
                "filename": "certificat-medical.pdf",
                "note": "J'étais malade ce jour-là.",
                "file": base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            }
        )
        self.search([("project_id", "=", project.id)])._check_dropout()
        return True
