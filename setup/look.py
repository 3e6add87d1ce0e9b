"""Screenshots of every page of the AZ addons, for ./setup/look.

Called by ./setup/look with the demo's address and the facts printed by ``look_facts.py`` (the
browser sessions of the people who look and the records whose pages are shown). Chromium
(headless) is driven through its DevTools protocol with ``websocket-client``: for each page,
each person and each width (390, 820, 1366 px), in French, a PNG named
``<width>-<person>-<page>.png`` in the output folder, then one line per page that failed to
load. The list of pages, the file names and the closing report are plain functions
(tested in tests/test_look.py).
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WIDTHS = {390: 844, 820: 1180, 1366: 900}

# a website page is ready once its scripts have started; the web client once an action is shown
WEBSITE_READY = (
    "document.readyState === 'complete' && !!(window.odoo && (odoo.__WOWL_DEBUG__ || odoo.isReady))"
)
BACKEND_READY = (
    "document.readyState === 'complete' && !!(window.odoo && odoo.isReady) "
    "&& !!document.querySelector('.o_action_manager > .o_action, .o_dialog .modal-body')"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
)
# an error dialog of the web client or a notification of failure: the page failed
ERROR_SHOWN_JS = """(() => {
    const error = document.querySelector(".o_error_dialog, .o_notification.border-danger");
    return error ? error.innerText.trim().replace(/\\s+/g, " ").slice(0, 200) : "";
})()"""
KIOSK_READY = "document.readyState === 'complete' && !!document.querySelector('.o_az_kiosk')"


@dataclass
class Page:
    """One page to photograph: ``name`` names the file; ``url`` is opened; ``action`` (an
    action's xml id) is then opened by the web client with ``context`` and ``view_type``."""

    name: str
    who: str
    url: str
    ready: str = WEBSITE_READY
    action: str | dict = ""
    view_type: str = ""
    context: dict = field(default_factory=dict)
    res_id: int = 0
    error_page: bool = False
    scroll_to: str = ""  # a CSS selector of what the picture must show (in a dialog that scrolls)
    pdf: bool = False  # a document: its first page as a picture, once (not per width)


def local_path(url):
    """The path and query of an absolute link (the demo's links carry the address Odoo was
    configured with, not the port this demo listens on)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def backend(name, who, action, view_type="", context=None, res_id=0, scroll_to=""):
    return Page(
        name=name,
        who=who,
        url="/odoo",
        ready=BACKEND_READY,
        action=action,
        view_type=view_type,
        context=context or {},
        res_id=res_id,
        scroll_to=scroll_to,
    )


def pdf(name, who, report, res_id):
    """A printed document of the record ``res_id``, as Odoo renders it for ``who``."""
    return Page(name=name, who=who, url=f"/report/pdf/{report}/{int(res_id)}", pdf=True)


def public_pages(records):
    """The website's own pages and the steps of a booking, as a visitor sees them."""
    pages = [
        Page("home", "visitor", "/"),
        Page("contactus", "visitor", "/contactus"),
        Page("booking-types", "visitor", "/booking"),
        # the types and sites serving an address typed on /booking, with their first free times
        Page(
            "booking-address", "visitor", "/booking/address?address=4+rue+Calixte+Camelle+33130+B%C3%A8gles"
        ),
    ]
    if "booking_type" in records:
        pages.append(Page("booking-slots", "visitor", f"/booking/{records['booking_type']}"))
    if "workshop_url" in records:
        pages.append(Page("workshop-slots", "visitor", records["workshop_url"]))
    if "booking_form_url" in records:
        pages.append(Page("booking-form", "visitor", records["booking_form_url"]))
    if "manage_url" in records:
        manage = local_path(records["manage_url"])
        path, _sep, query = manage.partition("?")
        # the page shown right after the form was sent
        pages.append(Page("booking-confirmation", "visitor", manage + ("&" if query else "?") + "booked=1"))
        pages.append(Page("booking-manage", "visitor", manage))
        pages.append(Page("booking-cancel", "visitor", f"{path}/cancel" + (f"?{query}" if query else "")))
    if "waiting_url" in records:
        pages.append(Page("booking-waiting-list", "visitor", local_path(records["waiting_url"])))
    return pages


def office_pages(records):
    """The administrator's funding, justification and invoicing pages, and the documents."""
    funder = "az_attendance_funder."
    pages = [
        backend("fundings", "admin", "az_project_base.az_funding_action", "list"),
        backend("bundles", "admin", funder + "az_attendance_bundle_action", "list"),
        backend("certificates", "admin", funder + "az_attendance_certificate_action", "list"),
        backend("grant-report", "admin", funder + "az_grant_report_action"),
        backend("invoicing-wizard", "admin", "az_attendance_invoicing.az_attendance_invoice_wizard_action"),
        backend("integrity-check", "admin", "az_attendance.action_attendance_integrity_check"),
    ]
    if "funding" in records:
        pages.append(
            backend(
                "funding-form",
                "admin",
                "az_project_base.az_funding_action",
                "form",
                res_id=records["funding"],
            )
        )
    if "bundle" in records:
        pages.append(
            backend(
                "bundle-form",
                "admin",
                funder + "az_attendance_bundle_action",
                "form",
                res_id=records["bundle"],
            )
        )
    if "validated_session" in records:
        sheet = "az_attendance.report_attendance_sheet"
        pages.append(pdf("attendance-sheet-pdf", "admin", sheet, records["validated_session"]))
    if "certificate" in records:
        pages.append(pdf("certificate-pdf", "admin", funder + "report_certificate", records["certificate"]))
    return pages


def pages_from_facts(facts):
    """Every page to photograph, given the facts of ``look_facts.py``; pages whose record the
    demo lacks are left out (and listed by ``missing_pages``)."""
    records = facts.get("records", {})
    who = facts.get("who", {})
    pages = public_pages(records)
    # a link that no longer leads anywhere: its page says so (with an error status, on purpose)
    pages.append(Page("booking-old-link", "visitor", "/booking/manage/1-an-old-link", error_page=True))
    if "qr_token" in records:
        pages.append(Page("attendance-qr-sign", "visitor", f"/attendance/qr/{records['qr_token']}"))
    if "remote_token" in records:
        pages.append(Page("attendance-remote-sign", "visitor", f"/attendance/sign/{records['remote_token']}"))
    if "verify_url" in records:
        pages.append(Page("attendance-verify", "visitor", local_path(records["verify_url"])))
    # the verify page that takes a PDF, before a file is dropped on it
    pages.append(Page("attendance-verify-file", "visitor", "/attendance/verify/file"))
    if "beneficiary" in who:
        pages += [
            Page("portal-home", "beneficiary", "/my"),
            Page("portal-bookings", "beneficiary", "/my/bookings"),
            Page("portal-attendance", "beneficiary", "/my/attendance"),
        ]
        if "beneficiary_line" in records:
            line = records["beneficiary_line"]
            pages.append(Page("portal-justification", "beneficiary", f"/my/attendance/{line}/justification"))
        # the phones a person made theirs for signing by the rotating QR code
        pages.append(Page("portal-phones", "beneficiary", "/my/attendance/phones"))
    if "referent" in who:
        # a counsellor of a referring organisation: the types they may book, and what became
        # of the bookings they made
        pages += [
            Page("referent-booking-types", "referent", "/booking"),
            Page("portal-referrals", "referent", "/my/referrals"),
        ]
    for person in ("admin", "trainer"):
        if person not in who:
            continue
        pages += [
            backend("bookings-calendar", person, "az_booking.az_booking_action", "calendar"),
            backend("bookings-list", person, "az_booking.az_booking_action", "list"),
            backend("bookings-kanban", person, "az_booking.az_booking_action", "kanban"),
            backend("booking-wizard", person, "az_booking.az_booking_book_wizard_action"),
            backend(
                "booking-wizard-free-times",
                person,
                {
                    "type": "ir.actions.act_window",
                    "res_model": "az.booking.book.wizard",
                    "res_id": records.get("book_wizard", 0),
                    "name": records.get("book_wizard_title", ""),
                    "views": [[False, "form"]],
                    "target": "new",
                },
                scroll_to=".o_field_widget[name=line_ids]",
            ),
            backend("series-wizard", person, "az_booking.az_booking_series_wizard_action"),
            backend(
                "sessions-today",
                person,
                "az_attendance.az_attendance_session_action",
                "list",
                {"search_default_today": 1},
            ),
        ]
        # a trainer sees the sessions they run
        session = records.get("session" if person == "admin" else "trainer_session")
        open_session = records.get("open_session" if person == "admin" else "trainer_open_session")
        if session:
            pages.append(
                backend(
                    "session-form",
                    person,
                    "az_attendance.az_attendance_session_action",
                    "form",
                    res_id=session,
                )
            )
        # the trainer's day: today's sessions, one tap to each action
        pages.append(backend("attendance-day", person, "az_attendance.az_attendance_day_action"))
        if open_session:
            pages.append(Page("kiosk", person, f"/attendance/kiosk/{open_session}", KIOSK_READY))
            pages.append(Page("rotating-qr", person, f"/attendance/qr/screen/{open_session}"))
    if "trainer" in who:
        # what a trainer reads of the funder's side: the certificates and their own sheet
        pages.append(
            backend(
                "certificates", "trainer", "az_attendance_funder.az_attendance_certificate_action", "list"
            )
        )
        if "trainer_validated_session" in records:
            sheet = "az_attendance.report_attendance_sheet"
            pages.append(pdf("attendance-sheet-pdf", "trainer", sheet, records["trainer_validated_session"]))
    if "admin" in who:
        pages += office_pages(records)
        if "open_session" in records:
            call = ["az.attendance.session", "action_show_qr", records["open_session"]]
            pages.append(backend("session-qr", "admin", {"call": call}))
    return pages


def missing_pages(facts):
    """What the demo lacks to show some pages, in words."""
    records = facts.get("records", {})
    who = facts.get("who", {})
    wanted = {
        "booking_type": "a published booking type",
        "manage_url": "a booking to come with its personal link",
        "open_session": "a session open for signing (kiosk, QR and remote signing pages)",
        "verify_url": "a validated sheet (verify page)",
    }
    missing = [text for key, text in wanted.items() if key not in records]
    missing += [
        f"a user for '{person}'" for person in ("admin", "trainer", "beneficiary") if person not in who
    ]
    return missing


def file_name(page, width):
    """``0390-trainer-session-form.png``: sorted by width, then person, then page; a
    document's first page is ``pdf-admin-certificate-pdf.png`` (one picture, whatever the width)."""
    safe = re.sub(r"[^a-z0-9-]+", "-", f"{page.who}-{page.name}".lower()).strip("-")
    return f"pdf-{safe}.png" if page.pdf else f"{width:04d}-{safe}.png"


def report(results):
    """The closing lines: how many pictures, then each page that failed and why."""
    failed = [result for result in results if result[2]]
    lines = [f"{len(results) - len(failed)} pictures taken, {len(failed)} pages failed to load"]
    lines += [
        f"  FAILED {name} {f'at {width}px' if width else '(document)'}: {why}" for name, width, why in failed
    ]
    return lines


def open_action_js(page):
    """JavaScript that asks the web client to open the page's action (a wizard in its dialog)."""
    # the action as opened from its menu: no breadcrumb back to the page the web client started on
    options = {"additionalContext": page.context, "clearBreadcrumbs": True}
    if page.view_type:
        options["viewType"] = page.view_type
    if page.res_id:
        options["props"] = {"resId": page.res_id}
    action = json.dumps(page.action)
    if isinstance(page.action, dict) and "call" in page.action:
        # a button of a record: the action its method returns (e.g. the session's QR code)
        model, method, res_id = page.action["call"]
        action = f"await env.services.orm.call({json.dumps(model)}, {json.dumps(method)}, [[{int(res_id)}]])"
    # on a phone the web client opens a list action on its kanban whatever the view asked
    # (Odoo's mobile_view_mode): the asked view is then switched to, as a person would; a
    # dialog's action may answer only once the dialog closes: the page is checked once shown
    return (
        "(async () => { const env = odoo.loader.modules.get('@odoo/owl').Component.env;"
        f" const options = {json.dumps(options)};"
        f" await Promise.race([env.services.action.doAction({action}, options),"
        " new Promise((resolve) => setTimeout(resolve, 20000))]);"
        " const wanted = options.viewType; const controller = env.services.action.currentController;"
        " if (wanted && controller.view && controller.view.type !== wanted) {"
        " await env.services.action.switchView(wanted, options.props || {}); }"
        " return true; })()"
    )


class Chromium:
    """A headless Chromium and one tab, driven through the DevTools protocol."""

    def __init__(self, binary):
        import websocket  # websocket-client, a tool of requirements-dev.txt

        self.profile = tempfile.mkdtemp(prefix="az-look-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--lang=fr-FR",
                "--accept-lang=fr-FR",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = None
        deadline = time.time() + 30
        while time.time() < deadline and not port:
            line = self.process.stderr.readline()
            match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            port = match and match.group(1)
        if not port:
            raise RuntimeError("Chromium did not start")
        tabs = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10).read())
        tab = next(tab for tab in tabs if tab.get("type") == "page")
        self.ws = websocket.create_connection(tab["webSocketDebuggerUrl"], timeout=60)
        self.counter = 0

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if result.get("exceptionDetails"):
            return None
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.25)
        return False

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def http_status(url, sid):
    request = urllib.request.Request(url, headers={"Cookie": f"session_id={sid}"} if sid else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def take_pdf(base, page, sid, out):
    """Download ``page``'s document as its person and save its first page as a picture."""
    request = urllib.request.Request(base + page.url, headers={"Cookie": f"session_id={sid}"} if sid else {})
    try:
        with urllib.request.urlopen(request, timeout=180) as answer:
            content = answer.read()
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    if not content.startswith(b"%PDF"):
        return "the answer is not a PDF"
    with tempfile.TemporaryDirectory(prefix="az-look-pdf-") as folder:
        document = Path(folder) / "document.pdf"
        document.write_bytes(content)
        picture = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", document, picture],
            check=True,
            capture_output=True,
        )
        shutil.copyfile(picture.with_suffix(".png"), out / file_name(page, 0))
    return ""


def take(browser, base, page, width, height, sid, out):
    """Open ``page`` at ``width`` as its person and save its picture; an error text or ''."""
    if page.pdf:
        return take_pdf(base, page, sid, out)
    browser.call("Network.clearBrowserCookies")
    # the website in French for visitors too (people choose it at the foot of each page)
    browser.call("Network.setCookie", name="frontend_lang", value="fr_FR", url=base)
    if sid:
        browser.call("Network.setCookie", name="session_id", value=sid, url=base)
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=width < 768,
    )
    browser.call("Emulation.setTouchEmulationEnabled", enabled=width < 1024)
    browser.call("Page.navigate", url=base + page.url)
    time.sleep(0.5)
    # the web client first starts (WEBSITE_READY holds for it too), then opens the action
    if not browser.wait_for(WEBSITE_READY if page.action else page.ready):
        return "the page did not finish loading within 30 s"
    if not page.action:
        status = http_status(base + page.url, sid)
        if status >= 400 and not page.error_page:
            return f"HTTP {status}"
    if page.action:
        if browser.evaluate(open_action_js(page)) is None:
            return f"the web client could not open {page.action}"
        if not browser.wait_for(BACKEND_READY):
            return f"{page.action} did not show within 30 s"
    if page.scroll_to:
        browser.evaluate(f"document.querySelector({json.dumps(page.scroll_to)})?.scrollIntoView()")
    time.sleep(1.5)  # let images, fonts and late renders settle
    status = browser.evaluate(ERROR_SHOWN_JS)
    full = (
        browser.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
        or height
    )
    shot = browser.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(max(full, height), 6000), "scale": 1},
    )
    (out / file_name(page, width)).write_bytes(base64.b64decode(shot["data"]))
    return status or ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the demo's address, e.g. http://localhost:8069")
    parser.add_argument("--facts", required=True, help="the file holding look_facts.py's output")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="", help="parts of the page names to keep, comma-separated")
    args = parser.parse_args(argv)
    text = Path(args.facts).read_text(encoding="utf-8")
    line = next((line for line in text.splitlines() if line.startswith("AZ-LOOK-FACTS ")), None)
    if not line:
        print("look: the demo's facts could not be read (see the shell's output above)", file=sys.stderr)
        return 2
    facts = json.loads(line.split(" ", 1)[1])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for text in missing_pages(facts):
        print(f"look: the demo has no {text}: its pages are left out")
    wanted = [part.strip() for part in args.only.split(",")]
    pages = [page for page in pages_from_facts(facts) if any(part in page.name for part in wanted)]
    browser = Chromium(os.environ.get("AZ_CHROMIUM") or shutil.which("chromium") or "chromium")
    results = []
    try:
        for page in pages:
            sid = facts["who"].get(page.who, {}).get("sid")
            for width, height in [(0, 0)] if page.pdf else WIDTHS.items():
                for attempt in (1, 2):  # once more when the machine was too busy to answer
                    try:
                        why = take(browser, args.base.rstrip("/"), page, width, height, sid, out)
                    except Exception as error:  # noqa: BLE001 - a page that fails is reported, the others go on
                        why = f"{type(error).__name__}: {error}"
                    if not why or attempt == 2:
                        break
                results.append((f"{page.who}/{page.name}", width, why))
                print(
                    f"  {'ok    ' if not why else 'FAILED'} {width or 'pdf':>4} {page.who}/{page.name}",
                    flush=True,
                )
    finally:
        browser.close()
    for line in report(results):
        print(line)
    print(f"pictures in {out}")
    return 1 if any(why for _name, _width, why in results) else 0


if __name__ == "__main__":
    sys.exit(main())
