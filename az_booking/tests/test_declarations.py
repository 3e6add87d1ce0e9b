"""How the addons declare what Odoo declares: one model per file and one create/write per
model and addon, the exclusion constraints in ``_sql_constraints``, deletion rules that do
not run at uninstall, record rules kept by updates."""

import inspect
from collections import defaultdict
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger, sql

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import AzBookingCommon, paris

# every addon of the repository: checked once all are installed (post_install)
ADDONS = (
    "az_project_base",
    "az_booking",
    "az_booking_sms",
    "az_attendance",
    "az_attendance_sms",
    "az_attendance_funder",
    "az_attendance_invoicing",
    "az_booking_attendance",
)


@tagged("post_install", "-at_install")
class TestDeclarations(AzBookingCommon):
    def _classes_of(self, addon):
        """{model name: [classes of ``addon`` that define or extend that model]}."""
        prefix = f"odoo.addons.{addon}."
        found = defaultdict(list)
        for name in self.env.registry:
            for cls in type(self.env[name]).__mro__:
                if not cls.__module__.startswith(prefix):
                    continue
                inherit = cls.__dict__.get("_inherit") or []
                inherit = [inherit] if isinstance(inherit, str) else inherit
                own_name = cls.__dict__.get("_name")
                if own_name == name or (not own_name and name in inherit):
                    found[name].append(cls)
        return found

    def test_one_create_and_one_write_per_model_and_addon(self):
        booking_classes = self._classes_of("az_booking")["az.booking"]
        self.assertEqual(len(booking_classes), 1, "az.booking is defined in one file of az_booking")
        self.assertTrue(inspect.getfile(booking_classes[0]).endswith("/az_booking.py"))
        for addon in ADDONS:
            if addon not in self.env.registry._init_modules:
                continue
            for model, classes in self._classes_of(addon).items():
                for method in ("create", "write", "unlink"):
                    overrides = [cls for cls in classes if method in cls.__dict__]
                    self.assertLessEqual(len(overrides), 1, f"{addon}: {model}.{method} defined twice")

    def test_one_model_per_file(self):
        for addon in ADDONS:
            if addon not in self.env.registry._init_modules:
                continue
            models_of_file = defaultdict(set)
            extends = {}
            for model, classes in self._classes_of(addon).items():
                for cls in classes:
                    path = inspect.getfile(cls)
                    models_of_file[path].add(model)
                    inherit = cls.__dict__.get("_inherit") or ()
                    extends[path] = model in ([inherit] if isinstance(inherit, str) else inherit)
            for path, models in models_of_file.items():
                self.assertEqual(len(models), 1, f"{path} holds {sorted(models)}")
                # named after its model; a file adding a topic to a model declared elsewhere
                # may add the topic (az_booking_type_territory.py extends az.booking.type)
                expected = next(iter(models)).replace(".", "_")
                name = path.rsplit("/", 1)[-1]
                self.assertTrue(
                    name == f"{expected}.py" or (extends[path] and name.startswith(f"{expected}_")),
                    f"{path} holds {sorted(models)}",
                )

    @mute_logger("odoo.sql_db")
    def test_exclusion_constraints_are_declared_and_kept_up_to_date(self):
        Booking = self.env["az.booking"]
        declared = {key: definition for key, definition, _message in Booking._sql_constraints}
        for key in ("no_double_booking", "one_per_person"):
            self.assertTrue(declared[key].startswith("EXCLUDE USING gist"), key)
            name = f"az_booking_{key}"
            self.assertEqual(sql.constraint_definition(self.env.cr, "az_booking", name), declared[key])
        # a database holding an older definition gets the declared one on the next update
        self.env.cr.execute("ALTER TABLE az_booking DROP CONSTRAINT az_booking_no_double_booking")
        self.env.cr.execute(
            "ALTER TABLE az_booking ADD CONSTRAINT az_booking_no_double_booking "
            "EXCLUDE USING gist (user_id WITH =, tsrange(start, stop) WITH &&) "
            "WHERE (state = 'confirmed' AND NOT is_collective AND user_id IS NOT NULL)"
        )
        Booking._add_sql_constraints()
        self.env.registry.finalize_constraints()
        self.assertEqual(
            sql.constraint_definition(self.env.cr, "az_booking", "az_booking_no_double_booking"),
            declared["no_double_booking"],
        )
        # and the database still refuses a double booking the checks in Python let through
        start = paris(2030, 3, 4, 9)
        self._book(self.type_individual, start, user=self.staff_a)
        unchecked = self.env["az.booking"].with_user(self.manager).with_context(az_booking_skip_check=True)
        with self.assertRaises(UserError):
            unchecked.create(
                {
                    "type_id": self.type_individual.id,
                    "partner_id": self.person_2.id,
                    "user_id": self.staff_a.id,
                    "start": paris(2030, 3, 4, 9, 30),
                }
            )

    def test_deletion_rules_do_not_block_uninstall(self):
        booking = self._book(self.type_individual, paris(2030, 3, 4, 9), user=self.staff_a)
        occurrence = self.env["az.booking.occurrence"].create(
            {"type_id": self.type_workshop.id, "start": paris(2030, 3, 5, 14), "user_id": self.staff_b.id}
        )
        self._book(self.type_workshop, occurrence.start, person=self.person_2, occurrence_id=occurrence.id)
        with self.assertRaises(UserError):
            booking.sudo().unlink()
        with self.assertRaises(UserError):
            occurrence.sudo().unlink()
        # uninstalling the addon deletes them all the same (demo data included)
        uninstall = {MODULE_UNINSTALL_FLAG: True}
        bookings = occurrence.booking_ids | booking
        event = occurrence.event_id
        bookings.sudo().with_context(**uninstall).unlink()
        occurrence.sudo().with_context(**uninstall).unlink()
        self.assertFalse(bookings.exists())
        self.assertFalse(occurrence.exists())
        self.assertFalse(event.exists(), "the occurrence's calendar event goes with it")

    def test_record_rules_are_kept_by_updates(self):
        data = self.env["ir.model.data"].search([("module", "=", "az_booking"), ("model", "=", "ir.rule")])
        self.assertGreaterEqual(len(data), 9)
        self.assertTrue(all(data.mapped("noupdate")), data.filtered(lambda d: not d.noupdate).mapped("name"))


class TestModelHelpers(AzBookingCommon):
    def test_local_day_bounds_follow_the_timezone(self):
        # the night the clocks go forward in Paris: that day lasts 23 hours
        start, stop = self.type_individual._local_day_bounds(date(2026, 3, 29))
        self.assertEqual((start, stop), (paris(2026, 3, 29), paris(2026, 3, 30)))
        self.assertEqual((stop - start).total_seconds(), 23 * 3600)
        start, stop = self.type_individual._local_day_bounds(date(2026, 3, 2), date(2026, 3, 8))
        self.assertEqual((start, stop), (paris(2026, 3, 2), paris(2026, 3, 9)))

    def test_free_slot_starting_at_a_time(self):
        start = paris(2030, 3, 4, 9)
        slot = self.type_individual._find_free_slot(start, apply_notice=False)
        self.assertEqual((slot["start"], slot["stop"]), (start, paris(2030, 3, 4, 10)))
        self.assertEqual(slot["user_ids"], self.staff_a.ids)
        self.assertIsNone(self.type_individual._find_free_slot(paris(2030, 3, 4, 12), apply_notice=False))
        self.assertEqual(self.type_individual._find_free_slot(start), slot, "within notice and horizon")
        booking = self._book(self.type_individual, start, user=self.staff_a)
        self.assertIsNone(self.type_individual._find_free_slot(start, apply_notice=False), "taken")
        self.assertTrue(
            self.type_individual._find_free_slot(start, apply_notice=False, exclude=booking),
            "free for the booking that moves",
        )
        self.assertIsNone(self.type_individual._find_free_slot(paris(9999, 12, 31, 22)), "never an error")

    def test_dates_in_the_types_timezone_and_language(self):
        moment = paris(2026, 3, 3, 10)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(self.type_individual._format_datetime(moment), "Tuesday 3 March 2026, 10:00")
        self.assertEqual(
            self.type_individual._format_datetime(moment, lang="fr_FR"), "mardi 3 mars 2026, 10:00"
        )
        self.assertEqual(self.type_individual._format_time(moment), "10:00")
        self.assertEqual(self.type_individual._format_when(moment), "Tuesday 3 March 2026 at 10:00")
        self.assertEqual(
            self.type_individual._format_week(date(2026, 3, 2)),
            "Week from Monday 2 March to Sunday 8 March 2026",
        )
