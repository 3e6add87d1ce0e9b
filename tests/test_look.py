"""./setup/look: which pages it photographs, how it names the pictures, what it reports."""

import json

from conftest import load_module

look = load_module("setup/look.py")

FULL = {
    "who": {"admin": {"sid": "a"}, "trainer": {"sid": "t"}, "beneficiary": {"sid": "b"}},
    "records": {
        "booking_type": 3,
        "manage_url": "http://localhost:8069/booking/manage/12-abc",
        "open_session": 7,
        "qr_token": "qr1",
        "remote_token": "rt1",
        "verify_url": "http://localhost:8069/attendance/verify/tok?seal=x",
        "beneficiary_line": 9,
        "session": 7,
        "trainer_session": 8,
        "trainer_open_session": 8,
        "book_wizard": 5,
        "booking_form_url": "/booking/3/book?start=2026-12-10T08:00",
        "waiting_url": "http://localhost:8069/my/bookings/14?access_token=w",
        "workshop_url": "/booking/4?week=2026-12-24",
        "validated_session": 6,
        "trainer_validated_session": 5,
        "funding": 2,
        "bundle": 11,
        "certificate": 21,
    },
}


def names(pages):
    return {f"{page.who}/{page.name}" for page in pages}


def test_every_kind_of_page_is_photographed_as_its_person():
    pages = look.pages_from_facts(FULL)
    got = names(pages)
    for wanted in (
        "visitor/booking-types",
        "visitor/booking-slots",
        "visitor/booking-manage",
        "visitor/attendance-qr-sign",
        "visitor/attendance-remote-sign",
        "visitor/attendance-verify",
        "beneficiary/portal-attendance",
        "beneficiary/portal-bookings",
        "beneficiary/portal-justification",
        "trainer/bookings-calendar",
        "trainer/bookings-kanban",
        "trainer/booking-wizard-free-times",
        "trainer/series-wizard",
        "trainer/sessions-today",
        "trainer/session-form",
        "trainer/kiosk",
        "admin/bundles",
        "admin/certificates",
        "admin/grant-report",
        "admin/invoicing-wizard",
        "admin/fundings",
        "visitor/home",
        "visitor/contactus",
        "visitor/booking-form",
        "visitor/booking-confirmation",
        "visitor/booking-waiting-list",
        "visitor/workshop-slots",
        "admin/funding-form",
        "admin/bundle-form",
        "admin/integrity-check",
        "admin/attendance-sheet-pdf",
        "admin/certificate-pdf",
        "trainer/certificates",
        "trainer/attendance-sheet-pdf",
    ):
        assert wanted in got, wanted
    assert len(got) == len(pages), "each page once per person"


def test_links_of_the_demo_are_opened_on_the_port_of_this_demo():
    pages = {page.name: page for page in look.pages_from_facts(FULL)}
    assert pages["booking-manage"].url == "/booking/manage/12-abc"
    assert pages["booking-cancel"].url == "/booking/manage/12-abc/cancel"
    assert pages["attendance-verify"].url == "/attendance/verify/tok?seal=x"


def test_pages_whose_record_the_demo_lacks_are_left_out_and_said():
    facts = {"who": {"admin": {"sid": "a"}}, "records": {}}
    got = names(look.pages_from_facts(facts))
    assert "visitor/booking-types" in got
    assert not any(name.startswith(("beneficiary/", "trainer/")) for name in got)
    assert "visitor/attendance-qr-sign" not in got
    missing = " ".join(look.missing_pages(facts))
    assert "session open for signing" in missing
    assert "'beneficiary'" in missing and "'trainer'" in missing


def test_picture_names_sort_by_width_then_person_then_page():
    page = look.Page("Session form", "trainer", "/odoo")
    assert look.file_name(page, 390) == "0390-trainer-session-form.png"
    assert look.file_name(page, 1366) == "1366-trainer-session-form.png"
    assert sorted([look.file_name(page, 1366), look.file_name(page, 390), look.file_name(page, 820)]) == [
        "0390-trainer-session-form.png",
        "0820-trainer-session-form.png",
        "1366-trainer-session-form.png",
    ]


def test_the_report_names_each_page_that_failed_and_why():
    lines = look.report([("visitor/booking-types", 390, ""), ("admin/bundles", 820, "HTTP 500")])
    assert lines[0] == "1 pictures taken, 1 pages failed to load"
    assert lines[1] == "  FAILED admin/bundles at 820px: HTTP 500"
    assert look.report([("visitor/booking-types", 390, "")]) == ["1 pictures taken, 0 pages failed to load"]


def test_the_web_client_is_asked_for_the_action_its_view_and_its_record():
    action = "az_attendance.az_attendance_session_action"
    page = look.backend("session-form", "trainer", action, "form", res_id=7)
    script = look.open_action_js(page)
    assert 'doAction("az_attendance.az_attendance_session_action", options)' in script
    assert "switchView(wanted" in script, "a phone opens the kanban first: the asked view is switched to"
    options = json.loads(script.split("const options = ", 1)[1].split(";", 1)[0])
    assert options == {
        "additionalContext": {},
        "clearBreadcrumbs": True,
        "viewType": "form",
        "props": {"resId": 7},
    }, "the action as opened from its menu, without the Discuss inbox behind it"


def test_a_button_of_a_record_is_pressed_through_its_method():
    page = look.backend("session-qr", "admin", {"call": ["az.attendance.session", "action_show_qr", 7]})
    script = look.open_action_js(page)
    assert 'orm.call("az.attendance.session", "action_show_qr", [[7]])' in script


def test_a_personal_link_with_its_token_keeps_it_on_the_cancel_page():
    facts = {"who": {}, "records": {"manage_url": "http://localhost:8069/my/bookings/3?access_token=t"}}
    pages = {page.name: page for page in look.pages_from_facts(facts)}
    assert pages["booking-cancel"].url == "/my/bookings/3/cancel?access_token=t"
    assert pages["booking-old-link"].error_page and not pages["booking-manage"].error_page


def test_a_trainer_sees_their_own_session_and_the_admin_the_open_one():
    pages = {(page.who, page.name): page for page in look.pages_from_facts(FULL)}
    assert pages[("trainer", "session-form")].res_id == 8
    assert pages[("trainer", "kiosk")].url == "/attendance/kiosk/8"
    assert pages[("admin", "session-form")].res_id == 7
    facts = {"who": FULL["who"], "records": {"session": 7, "open_session": 7}}
    got = names(look.pages_from_facts(facts))
    assert "admin/kiosk" in got and "trainer/kiosk" not in got and "trainer/session-form" not in got


def test_the_confirmation_is_the_personal_page_as_shown_right_after_booking():
    pages = {page.name: page for page in look.pages_from_facts(FULL)}
    assert pages["booking-confirmation"].url == "/booking/manage/12-abc?booked=1"
    assert pages["booking-waiting-list"].url == "/my/bookings/14?access_token=w"
    facts = {"who": {}, "records": {"manage_url": "http://localhost:8069/my/bookings/3?access_token=t"}}
    pages = {page.name: page for page in look.pages_from_facts(facts)}
    assert pages["booking-confirmation"].url == "/my/bookings/3?access_token=t&booked=1"


def test_documents_are_printed_for_their_person_once_whatever_the_width():
    pages = {(page.who, page.name): page for page in look.pages_from_facts(FULL)}
    sheet = pages[("trainer", "attendance-sheet-pdf")]
    assert sheet.pdf and sheet.url == "/report/pdf/az_attendance.report_attendance_sheet/5"
    assert pages[("admin", "attendance-sheet-pdf")].url.endswith("/6")
    certificate = pages[("admin", "certificate-pdf")]
    assert certificate.url == "/report/pdf/az_attendance_funder.report_certificate/21"
    assert look.file_name(certificate, 0) == "pdf-admin-certificate-pdf.png"
    assert look.report([("admin/certificate-pdf", 0, "HTTP 403")])[1] == (
        "  FAILED admin/certificate-pdf (document): HTTP 403"
    )


def test_forms_of_the_back_office_open_their_record():
    pages = {(page.who, page.name): page for page in look.pages_from_facts(FULL)}
    assert pages[("admin", "bundle-form")].res_id == 11
    assert pages[("admin", "bundle-form")].view_type == "form"
    assert pages[("admin", "funding-form")].res_id == 2
    assert pages[("admin", "integrity-check")].action == "az_attendance.action_attendance_integrity_check"
