import base64
import hashlib
import hmac
import io
import json
from datetime import datetime, timedelta

import markupsafe
from PIL import Image, ImageDraw

from odoo import Command
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from ..tools import signature_image


def _stroke_points(seed):
    return [(10, 80), (60 + seed * 7, 20), (120, 70), (200 + seed, 30), (290, 60)]


def signature_png(seed=1):
    """A small PNG that looks like a handwritten stroke: the curve the signing pad draws
    through the points of ``signature_strokes(seed)``."""
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line(signature_image.pad_curve(_stroke_points(seed)), fill=(10, 20, 120, 255), width=3)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


def signature_data_uri(seed=1):
    return "data:image/png;base64," + base64.b64encode(signature_png(seed)).decode()


def signature_strokes(seed=1):
    """The strokes a signing page sends with ``signature_png(seed)`` (a 300 x 100 box)."""
    return json.dumps(
        {"width": 300, "height": 100, "strokes": [[c for point in _stroke_points(seed) for c in point]]}
    )


def foreign_signer(secret="guess"):
    """A signer of the shape of ``odoo.tools.hmac`` keyed by another secret than the
    database's: what a forger without the secret could make."""
    return lambda scope, message: hmac.new(
        secret.encode(), repr((scope, message)).encode(), hashlib.sha256
    ).hexdigest()


def legacy_mac(secret, message):
    """The MAC of the former hand-keyed tokens (43 characters of URL-safe base64), as links
    already sent and badges already printed carry it."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signature_values(seed=1):
    """What a signing page posts: the drawing and its strokes."""
    return {"signature": signature_data_uri(seed), "strokes": signature_strokes(seed)}


class AttendanceCommon(TransactionCase):
    """A project with a site, a funding, two staff members (one trainer on the project, one
    not), a manager, and a portal beneficiary; sessions are made by the tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.trainer = new_test_user(
            cls.env,
            login="az_att_trainer",
            name="Claire Trainer",
            groups="az_project_base.group_user",
            email="claire@example.com",
            tz="Europe/Paris",
        )
        cls.other_staff = new_test_user(
            cls.env,
            login="az_att_other",
            name="Oscar Otherteam",
            groups="az_project_base.group_user",
            tz="Europe/Paris",
        )
        cls.manager = new_test_user(
            cls.env,
            login="az_att_manager",
            name="Mona Manager",
            groups="az_project_base.group_manager",
            tz="Europe/Paris",
        )
        cls.site = cls.env["az.site"].create(
            {
                "name": "Centre social Bastide",
                "city": "Bordeaux",
                "street": "3 rue Pierre",
                "zip": "33100",
                "tz": "Europe/Paris",
                "capacity": 3,
            }
        )
        cls.project = cls.env["project.project"].create(
            {
                "name": "Ateliers numériques",
                "user_id": cls.manager.id,
                "az_site_ids": [Command.link(cls.site.id)],
            }
        )
        cls.funder = cls.env["res.partner"].create(
            {"name": "Département de la Gironde", "az_is_funder": True, "is_company": True}
        )
        cls.funding = cls.env["az.funding"].create(
            {
                "name": "Convention inclusion numérique",
                "funder_id": cls.funder.id,
                "project_id": cls.project.id,
                "date_start": "2020-01-01",
                "date_end": "2035-12-31",
                "unit": "hour",
                "rate": 20.0,
                "target_quantity": 100.0,
            }
        )
        cls.funding.action_activate()
        Partner = cls.env["res.partner"]
        cls.amina = Partner.create(
            {"name": "Amina Diallo", "email": "amina@example.com", "az_is_beneficiary": True}
        )
        cls.lucas = Partner.create(
            {"name": "Lucas Martin", "email": "lucas@example.com", "az_is_beneficiary": True}
        )
        cls.sofia = Partner.create({"name": "Sofia Pereira", "az_is_beneficiary": True})
        cls.portal_user = new_test_user(
            cls.env, login="az_att_portal", name="Amina Portal", groups="base.group_portal"
        )
        cls.portal_user.partner_id = cls.amina
        # a fixed day (a Tuesday), 09:00-12:00 Paris time = 08:00-11:00 UTC in winter
        cls.day_start = datetime(2025, 3, 11, 8, 0)

    @classmethod
    def make_session(cls, partners=None, start=None, hours=3, open_it=True, **values):
        start = start or cls.day_start
        session = cls.env["az.attendance.session"].create(
            {
                "name": values.pop("name", "Atelier e-administration"),
                "project_id": cls.project.id,
                "site_id": cls.site.id,
                "trainer_ids": [Command.set(cls.trainer.ids)],
                "start": start,
                "stop": start + timedelta(hours=hours),
                **values,
            }
        )
        session._add_participants(partners if partners is not None else cls.amina | cls.lucas | cls.sofia)
        if open_it:
            session.action_open()
        return session

    @staticmethod
    def line_of(session, partner):
        return session.line_ids.filtered(lambda ln: ln.partner_id == partner)

    def sign_all_and_validate(self, session):
        for index, line in enumerate(session.line_ids, start=1):
            line._record_signature(
                signature_data_uri(index), "kiosk", ip="10.0.0.%s" % index, user_agent="Tablet"
            )
        session.with_user(self.trainer).write({"trainer_signature": base64.b64encode(signature_png(42))})
        if session._is_early():
            # a session still running is sealed only with the trainer's reason
            session.with_user(self.trainer).early_validation_reason = "Everyone has signed"
        session.with_user(self.trainer).action_validate()
        # what is sealed is in the database, as for any later transaction
        self.env.flush_all()
        return session

    def assertPageSays(self, response, status, message, msg=None):
        """The page answered with ``status`` and shows ``message`` to the person (as the page
        prints it, HTML-escaped): a refusal for another reason, even with the same status,
        fails."""
        label = f"{msg}: " if msg else ""
        self.assertEqual(response.status_code, status, f"{label}{response.text[:300]}")
        shown = str(markupsafe.escape(message))
        self.assertIn(shown, response.text, f"{label}the page does not say {message!r}")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


class SheetCommon(AttendanceCommon):
    """Sheets signed by everyone but the absent, sealed unless told otherwise; proofs of absence."""

    def sheet(self, start, absent=(), hours=3, validate=True, version=None, **values):
        """A sheet of the project with Amina, Lucas and Sofia; ``absent`` people are marked
        absent, the others sign; validated (sealed) unless told otherwise."""
        session = self.make_session(start=start, hours=hours, **values)
        for line in session.line_ids:
            if line.partner_id in absent:
                line.status = "absent"
            else:
                line._record_signature(signature_data_uri(line.id % 7 + 1), "kiosk")
        if validate:
            session.trainer_signature = base64.b64encode(signature_png(42))
            if version:
                session._seal(version=version)
            else:
                session.with_user(self.trainer).action_validate()
            self.env.flush_all()
        return session

    def justify(self, line, data=PDF, name="note.pdf"):
        return self.env["az.attendance.justification"].create(
            {"line_id": line.id, "file": base64.b64encode(data), "filename": name}
        )
