# Read by `odoo-bin shell` for ./setup/look (stdin): prints one line "AZ-LOOK-FACTS {json}"
# with what the screenshots need from the demo database: a browser session for each person
# who looks (the administrator, a trainer, a beneficiary with a portal account, a referent of
# a referring organisation) and the records whose pages are shown (a booking type, a personal
# booking link, an open session and its QR and remote signing links, a validated sheet's verify
# page, a line to justify).
# It changes nothing in the demo, except giving one demo beneficiary a portal account when
# none has one (as staff would with "Grant portal access"), so that the portal can be seen,
# and, when the demo has none, issuing the certificates of a funding and building its
# justification bundle (as staff would), so that their pages and documents can be seen.
# `env` is given by the shell.
import json

from odoo import fields, http
from odoo.service import security


def _session_for(user):
    """A browser session of ``user`` in the server's session store, as a login makes it."""
    store = http.root.session_store
    session = store.new()
    session.update(http.get_default_session(), db=env.cr.dbname)  # noqa: F821 - from the shell
    session.uid = user.id
    session.login = user.login
    session.context = dict(user.with_user(user).context_get())
    session.session_token = security.compute_session_token(session, user.env)
    store.save(session)
    return session.sid


def _portal_beneficiary(env):
    portal = env.ref("base.group_portal")
    users = env["res.users"].search(
        [("groups_id", "in", portal.ids), ("partner_id.az_is_beneficiary", "=", True)], limit=1
    )
    if users:
        return users
    lines = env["az.attendance.line"].search([("partner_id.az_is_beneficiary", "=", True)], order="id")
    partner = lines[:1].partner_id or env["res.partner"].search([("az_is_beneficiary", "=", True)], limit=1)
    if not partner:
        return users
    login = partner.email or f"beneficiary-{partner.id}@example.com"
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "partner_id": partner.id,
                "login": login,
                "groups_id": [(6, 0, portal.ids)],
                "lang": partner.lang or "fr_FR",
            }
        )
    )


def _public_facts(env, records):
    """The booking form at the next free time of a type booked one person at a time, a booking
    on a waiting list, and a workshop's week that holds a full occurrence."""
    now = fields.Datetime.now()
    types = env["az.booking.type"].search([("is_published", "=", True)])
    for booking_type in types.filtered(lambda booking_type: not booking_type.is_collective):
        slots = booking_type._get_next_free_slots(now, count=1)
        if slots:
            start = slots[0]["start"].strftime("%Y-%m-%dT%H:%M")
            records["booking_form_url"] = f"/booking/{booking_type.id}/book?start={start}"
            break
    waiting = env["az.booking"].search([("state", "=", "waiting")], order="start", limit=1)
    if waiting and waiting.manage_url:
        records["waiting_url"] = waiting.manage_url
    occurrences = env["az.booking.occurrence"].search(
        [("type_id", "in", types.ids), ("start", ">", now), ("state", "not in", ("cancelled", "done"))],
        order="start",
    )
    full = occurrences.filtered(lambda occurrence: occurrence.seats_left <= 0)[:1] or occurrences[:1]
    if full:
        day = full.type_id._to_local(full.start).date()
        records["workshop_url"] = f"/booking/{full.type_id.id}?week={day.isoformat()}"


def _office_facts(env, records, sessions, trainer):
    """A funding, a built justification bundle, a certificate, and a validated sheet of the
    trainer's for the back office's forms and documents."""
    Funding = env["az.funding"]
    funding = Funding.search([("state", "=", "active")], limit=1) or Funding.search([], limit=1)
    if funding:
        records["funding"] = funding.id
    certificate = env["az.attendance.certificate"].search([], limit=1)
    if not certificate and funding:
        # as staff would with "Issue certificates" on the funding's period
        env["az.attendance.certificate"]._issue(
            funding.project_id, funding.date_start, funding.date_end, funding=funding
        )
        certificate = env["az.attendance.certificate"].search([], limit=1)
    if certificate:
        records["certificate"] = certificate.id
    bundle = env["az.attendance.bundle"].search([("state", "=", "done")], limit=1)
    if not bundle and funding:
        # as staff would with "New" on the bundles, built at once instead of by the cron
        bundle = env["az.attendance.bundle"].create(
            {"funding_id": funding.id, "date_from": funding.date_start, "date_to": funding.date_end}
        )
        bundle._build()
    if bundle.state == "done":
        records["bundle"] = bundle.id
    if trainer:
        theirs = sessions.filtered(
            lambda session: trainer in session.trainer_ids and session.state == "validated"
        )[:1]
        if theirs:
            records["trainer_validated_session"] = theirs.id


def _facts(env):
    env = env(context=dict(env.context, lang="fr_FR"))
    admin = env.ref("base.user_admin")
    staff_group = env.ref("az_project_base.group_user")
    managers = env.ref("az_project_base.group_manager", raise_if_not_found=False)
    sessions = env["az.attendance.session"].search([], order="start desc")
    trainers = sessions.trainer_ids.filtered(lambda user: user != admin and not user.share)
    trainer = (
        trainers.filtered(lambda user: not managers or managers not in user.groups_id)[:1] or trainers[:1]
    )
    if not trainer:
        trainer = env["res.users"].search(
            [("groups_id", "in", staff_group.ids), ("id", "!=", admin.id)], limit=1
        )
    beneficiary = _portal_beneficiary(env)
    referent = (
        env["res.users"]
        .search([("share", "=", True)], order="id")
        .filtered(lambda user: user.partner_id._az_referrer_organisation())[:1]
    )
    facts = {"who": {}, "records": {}}
    people = (("admin", admin), ("trainer", trainer), ("beneficiary", beneficiary), ("referent", referent))
    for key, user in people:
        if user:
            facts["who"][key] = {"sid": _session_for(user), "name": user.name, "login": user.login}
    records = facts["records"]
    booking_type = env["az.booking.type"].search([("is_published", "=", True)], limit=1)
    if booking_type:
        records["booking_type"] = booking_type.id
    booking = env["az.booking"].search(
        [("state", "in", ("confirmed", "requested")), ("start", ">", "now")], order="start", limit=1
    ) or env["az.booking"].search([("state", "in", ("confirmed", "requested"))], limit=1)
    if booking and booking.manage_url:
        records["manage_url"] = booking.manage_url
    open_session = sessions.filtered(lambda session: session.state == "open")[:1]
    if open_session:
        records["open_session"] = open_session.id
        records["qr_token"] = open_session.sudo().qr_token
        line = open_session.line_ids.filtered(lambda line: not line.signed_at)[:1]
        if line:
            records["remote_token"] = line.sudo()._get_remote_token()
    validated = sessions.filtered(lambda session: session.state == "validated")[:1]
    if validated:
        records["validated_session"] = validated.id
        records["verify_url"] = validated.verify_url
    if beneficiary:
        line = env["az.attendance.line"].search([("partner_id", "=", beneficiary.partner_id.id)], limit=1)
        if line:
            records["beneficiary_line"] = line.id
    if booking_type and trainer:
        # the staff booking wizard as it shows its free times (what a trainer sees after
        # "Find free slots"); a wizard is a transient record that Odoo clears later
        person = env["res.partner"].search([("az_is_beneficiary", "=", True)], limit=1)
        wizard = (
            env["az.booking.book.wizard"]
            .with_user(trainer)
            .create({"type_id": booking_type.id, "partner_id": person.id})
        )
        action = wizard.action_search_slots()
        records["book_wizard"] = wizard.id
        records["book_wizard_title"] = action.get("name") or ""
    _public_facts(env, records)
    _office_facts(env, records, sessions, trainer)
    session = open_session or sessions[:1]
    if session:
        records["session"] = session.id
    if trainer:
        # a trainer sees the sessions they run: theirs, the open one first
        theirs = sessions.filtered(lambda session: trainer in session.trainer_ids)
        mine = theirs.filtered(lambda session: session.state == "open")[:1] or theirs[:1]
        if mine:
            records["trainer_session"] = mine.id
            if mine.state == "open":
                records["trainer_open_session"] = mine.id
    env.cr.commit()
    return facts


print("AZ-LOOK-FACTS " + json.dumps(_facts(env)))  # noqa: F821 - `env` is given by the shell
