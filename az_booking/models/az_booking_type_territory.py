from collections import defaultdict
from datetime import datetime, timedelta

from odoo import api, fields, models

from odoo.addons.az_project_base.tools import territory

# The windows the territory search reads one after the other, for the types that have not
# found their first free times yet (None: the rest of their booking windows): at most three
# reads, the first one small since most types have free times in their first days.
WINDOWS = (timedelta(days=2), timedelta(days=14), None)


class AzBookingType(models.Model):
    """The territory: which booking types and sites serve an address, with their first free
    times. A type is open to every address, or only to the areas its sites serve."""

    _inherit = "az.booking.type"  # pylint: disable=consider-merging-classes-inherited  # one concern a file

    territory_open = fields.Boolean(
        string="Open to every address",
        default=True,
        help="Offered to anyone whatever their address. Unticked: offered only to addresses "
        "inside the areas its sites serve, at the site of the most precise area.",
    )

    @api.model
    def _az_search_territory(self, address_or_postcode, types=None, limit=3, after=None):
        """The booking types of ``types`` (default: every active type this environment may
        read) and the sites that serve ``address_or_postcode`` (what a person or a referent
        typed), each with its first ``limit`` free times after ``after`` (default now),
        soonest first. For each type, the sites whose most precise area matches win over
        the others (street > commune > postcode); a type open to every address and whose
        sites match nothing is offered at all its sites.

        Returns a list of dicts ``{"type", "site" (an az.site, maybe empty), "level"
        (territory.NONE..STREET), "slots" (as ``_get_free_slots``, with a free seat)}``,
        sorted by their first free time (rows without any last). The number of SQL queries
        does not grow with types, sites, staff or days (``_get_first_free_slots``)."""
        address = territory.parse_address(address_or_postcode)
        if not address:
            return []
        types = self.search([]) if types is None else types
        levels = types.site_ids._match_address(address)
        rows = []
        for booking_type in types:
            sites = booking_type.site_ids.filtered(lambda s: s.id in levels)
            level = max((levels[s.id] for s in sites), default=territory.NONE)
            sites = sites.filtered(lambda s, level=level: levels[s.id] == level)
            if not sites and not booking_type.territory_open:
                continue
            if not sites:
                sites = booking_type.site_ids
            for site in sites or [self.env["az.site"]]:
                rows.append({"type": booking_type, "site": site, "level": level})
        if not rows:
            return []
        candidates = self.browse({row["type"].id for row in rows}).with_env(types.env)
        slots = candidates._get_first_free_slots(after or fields.Datetime.now(), count=limit, rows=rows)
        for row in rows:
            row["slots"] = slots[(row["type"].id, row["site"].id)]
        never = datetime.max
        return sorted(
            rows,
            key=lambda r: (r["slots"][0]["start"] if r["slots"] else never, -r["level"], r["type"].sequence),
        )

    def _get_first_free_slots(self, after, count=3, rows=None):
        """``{(type id, site id): first ``count`` slots with a free seat after ``after``}``
        for the types of ``self`` (and the sites of ``rows``, dicts with ``type`` and
        ``site``; default each type's first site). Reads the staff of all the types at once:
        two days, then, for the types that have not found ``count`` free times in them, two
        weeks, then the rest of their booking windows (``WINDOWS``), once per company; the
        occurrences of workshops in one query. The number of queries does not grow with
        types, sites, staff or days."""
        rows = rows or [{"type": t, "site": t.site_ids[:1]} for t in self]
        sites_of = defaultdict(set)
        for row in rows:
            sites_of[row["type"].id].add(row["site"].id)
        found = {t.id: [] for t in self}
        now = fields.Datetime.now()
        workshops = self.filtered("is_collective")
        if workshops:
            last = max(now + timedelta(days=t.horizon_days) for t in workshops)
            for slot in workshops._get_occurrence_slots(after, max(last, after)):
                booking_type = self.browse(slot["type_id"])
                if (
                    slot["seats_left"] > 0
                    and now + timedelta(hours=booking_type.min_notice_hours) <= slot["start"]
                    and slot["start"] < now + timedelta(days=booking_type.horizon_days)
                ):
                    found[booking_type.id].append(slot)
        for company in (self - workshops).company_id:
            pending = (self - workshops).filtered(lambda t, c=company: t.company_id == c)
            cursor = after
            windows = list(WINDOWS)
            while pending and windows:
                window = windows.pop(0)
                last = max(now + timedelta(days=t.horizon_days) for t in pending)
                stop = min(cursor + window, last) if window else last
                if cursor >= stop:
                    break
                margin = timedelta(days=1)
                data = pending._read_availability_data(
                    pending._get_all_staff().ids, cursor - margin, stop + margin
                )
                for booking_type in pending:
                    slots = booking_type._get_free_slots(cursor, stop, data=data)
                    found[booking_type.id] += [s for s in slots if s["seats_left"] > 0]
                pending = pending.filtered(lambda t: len(found[t.id]) < count)
                cursor = stop
        result = {}
        for row in rows:
            type_id, site_id = row["type"].id, row["site"].id
            slots = found[type_id]
            if row["type"].is_collective and site_id:  # a workshop's occurrence has its site
                slots = [s for s in slots if not s.get("site_id") or s["site_id"] == site_id]
            result[(type_id, site_id)] = slots[:count]
        return result

    def _get_all_staff(self):
        """The staff members of all the types of ``self``."""
        users = self.env["res.users"]
        for booking_type in self:
            users |= booking_type._get_staff()
        return users
