"""A page in real Chromium driven through the DevTools protocol, for the HttpCase tests of the
AZ addons: keyboard-only journeys, and the accessibility audit of ``browser_audit``.

A tour clicks; a person who cannot use a mouse presses Tab, Enter and Space. Key events made
by the page's own JavaScript are "untrusted" and do not move the focus, so the keys are sent
through the browser's DevTools protocol (``Input.dispatchKeyEvent``), as a keyboard would send
them. At every stop the element that has the focus must show it (an outline or a shadow), and
Tab must keep moving (no keyboard trap).
"""

import json
import logging
import time

from odoo.tests.common import ChromeBrowser

_logger = logging.getLogger(__name__)

_FOCUS_JS = """(() => {
    const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    const style = getComputedStyle(el);
    const shown = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none";
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id || "",
        name: el.getAttribute("name") || "",
        text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
        shown: shown,
        html: el.outerHTML.slice(0, 160),
        outline: `${style.outlineStyle} ${style.outlineWidth} / ${style.boxShadow}`,
        path: (() => { const parts = []; let node = el;
            while (node && node !== document.body) {
                parts.unshift(node.tagName + [...node.parentNode.children].indexOf(node));
                node = node.parentNode; }
            return parts.join("/"); })(),
    };
})()"""

_KEYS = {
    "Tab": ("Tab", 9, ""),
    "Enter": ("Enter", 13, "\r"),
    " ": ("Space", 32, " "),
    "ArrowDown": ("ArrowDown", 40, ""),
    "ArrowRight": ("ArrowRight", 39, ""),
}


class LiveBrowser:
    """``with LiveBrowser(self, "/booking") as kb:`` then ``kb.tab_to(...)``,
    ``kb.press("Enter")``, ``kb.type("text")``, ``kb.wait_for(...)``, ``kb.evaluate(js)``."""

    # a website page is ready once its scripts have started (they fetch what they need as they
    # start); pages with an application of their own say what "ready" means for them
    WEBSITE_READY = "!!(window.odoo && (odoo.__WOWL_DEBUG__ || odoo.isReady))"

    def __init__(self, test_case, url, login=None, size="1366x768", touch=False, ready=None):
        self.test = test_case
        self.ready = ready or self.WEBSITE_READY
        self.url = url
        self.login = login
        self.size = size
        self.touch = touch
        self.browser = None
        self.stops = []

    def __enter__(self):
        test = self.test
        test.browser_size = self.size
        test.touch_enabled = self.touch
        self.browser = ChromeBrowser(test)
        test.authenticate(self.login, self.login, browser=self.browser)
        test.cr.flush()
        test.cr.clear()
        self.browser.navigate_to(test.base_url() + self.url, wait_stop=True)
        self.wait_for_page("")
        return self

    def __exit__(self, *exc):
        try:
            # leave the page before closing the browser, so that nothing the page still
            # loads is cut off and reported as an error of the page
            self.browser._websocket_request("Page.navigate", params={"url": "about:blank"})
            self.wait_for("location.href === 'about:blank'", what="the blank page")
        finally:
            try:
                self.browser.stop()
            finally:
                self.test._wait_remaining_requests()
        return False

    # ------------------------------------------------------------------ low level
    def evaluate(self, expression, timeout=10):
        """The value of a JavaScript expression in the page (promises awaited), or None when
        it raised."""
        answer = self.browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if answer.get("exceptionDetails"):
            _logger.info(
                "page script raised: %s",
                str(
                    answer["exceptionDetails"]
                    .get("exception", {})
                    .get("description", answer["exceptionDetails"])
                )[:500],
            )
            return None
        return answer.get("result", {}).get("value")

    def wait_for(self, expression, timeout=20, what=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.evaluate(expression):
                    return
            except Exception:  # noqa: BLE001 - the page is being replaced; ask again  # pylint: disable=except-pass  # see the noqa reason
                pass
            time.sleep(0.1)
        page = self.evaluate("location.pathname + location.search")
        shown = " ".join((self.text() or "").split())[:600]
        self.test.fail(
            f"keyboard journey: waited in vain for {what or expression} (page: {page}; it shows: {shown})"
        )

    def press(self, key, shift=False):
        name, code, text = _KEYS[key]
        params = {
            "key": key if key != " " else " ",
            "code": name,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
            "modifiers": 8 if shift else 0,
        }
        self.browser._websocket_request(
            "Input.dispatchKeyEvent", params=dict(params, type="keyDown", text=text)
        )
        self.browser._websocket_request("Input.dispatchKeyEvent", params=dict(params, type="keyUp"))

    def type(self, text):
        self.browser._websocket_request("Input.insertText", params={"text": text})

    def focused(self):
        return self.evaluate(_FOCUS_JS)

    # ------------------------------------------------------------------ journey steps
    def tab_to(self, selector, max_tabs=80):
        """Press Tab until the element matching ``selector`` has the focus. Every element met
        on the way must show its focus; Tab must never stay on the same element."""
        matches = f"!!document.activeElement && document.activeElement.matches({json.dumps(selector)})"
        previous = None
        for _count in range(max_tabs):
            self.press("Tab")
            focus = self.focused()
            if focus:
                self.test.assertTrue(focus["shown"], f"keyboard journey: the focus on {focus} cannot be seen")
                self.test.assertNotEqual(
                    focus["path"],
                    previous and previous["path"],
                    f"keyboard journey: Tab stays on {focus} (keyboard trap)",
                )
                self.stops.append(focus)
                previous = focus
            if self.evaluate(matches):
                return focus
        met = [stop["text"] or stop["name"] or stop["tag"] for stop in self.stops[-max_tabs:]]
        self.test.fail(
            f"keyboard journey: {selector} never got the focus after {max_tabs} Tab presses; met: {met}"
        )

    def activate(self, selector, key="Enter"):
        """Tab to the element and press Enter (links, buttons) or Space (tick boxes)."""
        self.tab_to(selector)
        self.press(key)

    def fill(self, selector, text):
        self.tab_to(selector)
        self.type(text)

    def wait_for_page(self, path_fragment, timeout=20):
        """Wait for a page whose address contains ``path_fragment``, loaded and with the
        website's JavaScript started (its services fetch what they need as they start)."""
        self.wait_for(
            f"location.href.includes({json.dumps(path_fragment)}) "
            f"&& document.readyState === 'complete' && ({self.ready})",
            timeout=timeout,
            what=f"a page at {path_fragment or self.url}",
        )

    def text(self, selector="main"):
        return (
            self.evaluate(f"(document.querySelector({json.dumps(selector)}) || document.body).innerText")
            or ""
        )
