"""Accessibility audit of a page in real Chromium, for the HttpCase tests of the AZ addons.

axe-core (the npm package pinned in the repository's package.json, installed by
``./setup/test``, which tells where through ``AZ_AXE_JS``) runs inside the page as the page is
shown at a given width. The audit fails on any violation of impact "serious" or "critical",
on a page wider than the screen (horizontal scroll), on content of the page's <main> cut off
in a box that scrolls sideways, and, on phones, on touch targets smaller than 44 x 44 px;
violations of lower impact are listed in the log. Nothing is fetched from the network.

The page is driven through the DevTools protocol (see ``keyboard.LiveBrowser``) rather than
``browser_js``, which would write axe-core's 0.5 MB into the log at every page.
"""

import json
import logging
import os
import time
from pathlib import Path

from .keyboard import LiveBrowser

_logger = logging.getLogger(__name__)

PHONE = "320x640"  # the narrowest phone screen still in use; WCAG 1.4.10 reflow width
TABLET = "1024x768"
DESKTOP = "1366x768"

_AUDIT_JS = """
(async () => {
    const result = await axe.run(document, {
        resultTypes: ["violations"],
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    });
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "")
        + (el.className && typeof el.className === "string"
            ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    const describe = (v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.slice(0, 5)
        .map((n) => n.target.join(" ")).join(" | ")}]`;
    const blocking = result.violations.filter((v) => ["serious", "critical"].includes(v.impact));
    const notes = result.violations.filter((v) => !blocking.includes(v)).map(describe);
    const problems = blocking.map(describe);
    const root = document.scrollingElement || document.documentElement;
    const width = root.clientWidth;
    if (root.scrollWidth > width + 1) {
        const wide = [...document.body.querySelectorAll("*")]
            .filter((el) => el.getBoundingClientRect().right > width + 1
                && getComputedStyle(el).position !== "fixed")
            .slice(0, 5)
            .map(name);
        problems.push(`horizontal scroll: the page is ${root.scrollWidth}px wide on a `
            + `${width}px screen (${wide.join(", ")})`);
    }
    for (const el of document.querySelectorAll("main *, [role=main] *")) {
        const style = getComputedStyle(el);
        if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
            problems.push(`content cut off: ${name(el)} scrolls sideways `
                + `(${el.scrollWidth}px of content in ${el.clientWidth}px)`);
        }
    }
    if (width < 768) {
        // touch targets of at least 44 x 44 px (WCAG 2.5.5); a tick box or radio button
        // counts with its label, which also toggles it
        const targets = document.querySelectorAll(
            ["a.btn", "button", "select", "textarea", ".o_az_slot", "input:not([type=hidden])"]
                .map((sel) => `main ${sel}, [role=main] ${sel}`).join(", "));
        for (const el of targets) {
            const target = ["checkbox", "radio"].includes(el.type)
                ? (el.closest(".form-check") || el.closest("label") || el) : el;
            const rect = target.getBoundingClientRect();
            if (!rect.width || !rect.height || getComputedStyle(el).visibility === "hidden"
                    || el.closest("[aria-hidden=true]")) {
                continue;
            }
            if (rect.width < 44 || rect.height < 44) {
                problems.push(`touch target too small: ${name(el)} is `
                    + `${Math.round(rect.width)}x${Math.round(rect.height)}px`);
            }
        }
    }
    return {problems, notes};
})()
"""

# Replaces the page by the answer to a POST of its first form in <main> (the form as the
# person left it), so that pages only reachable by a POST (a form sent back with its errors)
# are audited as shown.
SUBMIT_FIRST_FORM = """(async () => {
    const form = document.querySelector("main form[method=post], main form[method=POST]");
    const answer = await fetch(form.action, {method: "POST", body: new FormData(form)});
    const html = await answer.text();
    document.open();
    document.write(html);
    document.close();
    await new Promise((resolve) => (document.readyState === "complete"
        ? resolve() : window.addEventListener("load", resolve)));
    return true;
})()"""


# Widths of the layout audit: a phone, a tablet upright, a laptop (as ./setup/look shows them)
LAYOUT_SIZES = ("390x844", "820x1180", "1366x768")

# Where our text lives: a website or portal page's <main>, the web client's action and its
# dialogs, the kiosk. Odoo's own components are left aside: breadcrumbs and list cells shorten
# their text by design (for cut text only: a button in a list's cell must still be on screen;
# the portal's tables, which borrow the class of the web client's lists, are ours to check),
# so does the month of the date picker in the calendar's side panel; the chatter's top bar
# scrolls sideways on a phone, and so does the bin that ends each row of an editable list.
LAYOUT_SCOPE = "main, [role=main], .o_action_manager, .o_dialog .modal-content, .o_az_kiosk"
LAYOUT_ODOO_OWN = (
    ".breadcrumb, .o_breadcrumb, .o_list_renderer .o_data_cell, .o_list_renderer th, "
    ".o_calendar_sidebar .o_datetime_picker, .o-mail-Chatter-topbar"
)

_LAYOUT_JS = """
((scope, odooOwn) => {
    const width = document.documentElement.clientWidth;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "")
        + (el.className && typeof el.className === "string"
            ? "." + el.className.trim().split(/\\s+/).slice(0, 4).join(".") : "");
    const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
        && !el.closest("[aria-hidden=true], .visually-hidden, .o_invisible_modifier");
    const words = (el) => (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    const problems = [];
    const seen = new Set();
    for (const root of document.querySelectorAll(scope)) {
        for (const el of [root, ...root.querySelectorAll("*")]) {
            if (seen.has(el) || !shown(el)) { continue; }
            seen.add(el);
            const style = getComputedStyle(el);
            const rect = el.getBoundingClientRect();
            // a text cut: its box hides what does not fit (or ends it with "…")
            if (!["INPUT", "SELECT", "TEXTAREA", "IMG", "svg", "CANVAS"].includes(el.tagName)
                    && !el.closest(odooOwn) && rect.width > 1 && words(el)
                    && (["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis")
                    && el.scrollWidth > el.clientWidth + 1) {
                problems.push(`text cut: ${name(el)} shows ${el.clientWidth}px of `
                    + `${el.scrollWidth}px ("${words(el)}")`);
            }
            // a control off-screen: its box lies (partly) outside the screen's width (a column
            // of a grouped kanban reaching beyond the screen is a swipe away on a phone, as
            // Odoo shows one column at a time there)
            const column = el.closest(".o_kanban_grouped .o_kanban_group");
            const columnRect = column && column.getBoundingClientRect();
            if (el.matches("a[href], button, input:not([type=hidden]), select, textarea, [role=button]")
                    && rect.width > 0 && rect.height > 0
                    && !(columnRect && (columnRect.right > width + 1 || columnRect.left < -1))
                    && !el.closest(".o-mail-Chatter-topbar, .o_list_record_remove")) {
                if (rect.left < -1 || rect.right > width + 1) {
                    problems.push(`off-screen: ${name(el)} "${words(el) || el.value || ""}" spans `
                        + `${Math.round(rect.left)}-${Math.round(rect.right)}px on a ${width}px screen`);
                }
                // or beyond the edge of a box that hides or scrolls what does not fit (a wide
                // table in a dialog: its last column's buttons out of sight)
                for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
                    if (getComputedStyle(box).overflowX === "visible") { continue; }
                    const edges = box.getBoundingClientRect();
                    if (rect.left < edges.left - 1 || rect.right > edges.right + 1) {
                        problems.push(`out of sight: ${name(el)} "${words(el) || el.value || ""}" spans `
                            + `${Math.round(rect.left)}-${Math.round(rect.right)}px in ${name(box)}, `
                            + `which shows ${Math.round(edges.left)}-${Math.round(edges.right)}px`);
                        break;
                    }
                }
            }
        }
    }
    return problems;
})
"""


def axe_source():
    path = os.environ.get("AZ_AXE_JS")
    if not path or not Path(path).is_file():
        raise AssertionError(
            "axe-core is not installed: run the tests through ./setup/test, which installs the "
            "JavaScript test tools of package.json and sets AZ_AXE_JS (found: %r)" % path
        )
    return Path(path).read_text(encoding="utf-8")


class AccessibilityAuditMixin:
    """For HttpCase classes: ``audit_page(url, label)`` at phone and desktop widths, and
    ``audit_layout(url, label)`` (nothing cut, nothing off-screen) at phone, tablet and laptop
    widths."""

    def audit_page(self, url, label, login=None, widths=(PHONE, DESKTOP), prepare=None, ready=None):
        """``ready``: a JavaScript condition for pages that are not website pages (the kiosk
        application), see ``LiveBrowser``."""
        source = axe_source()
        for size in widths:
            with (
                self.subTest(page=label, size=size),
                LiveBrowser(self, url, login=login, size=size, touch=size == PHONE, ready=ready) as page,
            ):
                if prepare:
                    page.evaluate(prepare, timeout=60)
                    page.wait_for_page("")
                page.evaluate(source + "\n;true", timeout=60)
                result = page.evaluate(_AUDIT_JS, timeout=90)
                self.assertTrue(result, f"{label} at {size}: the audit did not run")
                for note in result["notes"]:
                    _logger.info("accessibility note on %s at %s: %s", label, size, note)
                self.assertFalse(
                    result["problems"],
                    f"accessibility audit of {label} at {size} failed:\n" + "\n".join(result["problems"]),
                )

    def audit_layout(self, url, label, login=None, widths=LAYOUT_SIZES, prepare=None, ready=None, shown=None):
        """No text of ours cut, no control off-screen on ``url`` at each width. ``prepare``:
        JavaScript run once the page is ready (e.g. the web client opening an action);
        ``shown``: a JavaScript condition that holds once the page shows what is audited."""
        for size in widths:
            with self.subTest(page=label, size=size):
                # a web client whose action never showed (a request of the test server left
                # hanging, seen about once a run on two busy cores) is opened once more in a
                # fresh browser before the audit is called failed; the retry is logged
                if not self._audit_layout_at(url, label, size, login, prepare, ready, shown, last=False):
                    _logger.warning("layout audit of %s at %s: not shown, opened again", label, size)
                    self._audit_layout_at(url, label, size, login, prepare, ready, shown, last=True)

    def _audit_layout_at(self, url, label, size, login, prepare, ready, shown, last):
        """One audit of ``url`` at ``size``; False when the page did not show what is audited
        and this is not the ``last`` try."""
        phone = int(size.split("x")[0]) < 1024
        with LiveBrowser(self, url, login=login, size=size, touch=phone, ready=ready) as page:
            if prepare:
                self.assertTrue(page.evaluate(prepare, timeout=60), f"{label} at {size}: could not open it")
            if shown:
                if last:
                    page.wait_for(shown, timeout=90, what=f"{label} at {size}")
                elif not self._shown_within(page, shown, 60):
                    return False
            page.wait_for("document.fonts.status === 'loaded'", what="the fonts")
            problems = page.evaluate(
                f"({_LAYOUT_JS})({json.dumps(LAYOUT_SCOPE)}, {json.dumps(LAYOUT_ODOO_OWN)})", timeout=60
            )
            self.assertIsNotNone(problems, f"{label} at {size}: the layout audit did not run")
            self.assertFalse(
                problems, f"layout of {label} at {size}: cut or off-screen:\n" + "\n".join(problems[:15])
            )
        return True

    @staticmethod
    def _shown_within(page, condition, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if page.evaluate(condition):
                    return True
            except Exception:  # noqa: BLE001 - the page is being replaced; ask again  # pylint: disable=except-pass  # see the noqa reason
                pass
            time.sleep(0.2)
        return False
