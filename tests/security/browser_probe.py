"""Open pages in real Chromium with the Content Security Policy switched off and record any script that ran.

The CSP (``script-src 'self'``) would stop most injected scripts by itself; the
XSS test switches it off (Playwright's ``bypass_csp``) so that it checks the
escaping and the sanitizer, the layer that must hold when a browser ignores
the policy or a deployment's proxy drops the header. Three things count as a hit:

- a ``dialog`` (``alert``, ``confirm``, ``prompt``) on any page;
- ``window.__xss`` set on a page, after its images have failed and its
  timers had a moment to run;
- markup in the page that would run script on a click, a hover or a focus:
  an ``on…`` or htmx ``hx-on`` attribute, a ``javascript:``, ``vbscript:`` or
  ``data:text/html`` URL, a ``<script>`` that is not one of the site's own
  files, ``<iframe>``, ``<object>``, ``<embed>``, ``<base>`` or a refreshing ``<meta>``.

Typical use::

    probe = Probe(browser, base_url)
    anonymous = probe.viewer()
    anonymous.visit([f"{base_url}/", f"{base_url}/p/slug"])
    assert probe.hits == []

Each viewer has its own cookies and a few tabs; ``visit`` loads pages in all
tabs at once. Every page's HTML is searched for six-digit markers
(``marker_seen``), so the test can tell that the text it planted was on the
pages it looked at.
"""
from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, field

#: Milliseconds to let late handlers run after ``load``: failed media's ``onerror``, ``autofocus``'s
#: ``onfocus``, ``<details open>``'s ``ontoggle``, SVG animations' ``onbegin``.
SETTLE_MS = 60

INSPECT = r"""() => {
  const found = [];
  const OWN_SCRIPTS = /^\/(vendor|plugins|theme|static)\//;
  const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "poster",
    "background", "ping", "codebase", "cite", "srcdoc", "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"]);
  const BAD_URL = /^((javascript|vbscript|livescript):|data:text\/html)/;
  const show = el => el.outerHTML.slice(0, 200);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (["iframe", "frame", "frameset", "object", "embed", "applet", "base"].includes(tag)) {
      found.push("element: " + show(el));
    }
    if (tag === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh") {
      found.push("refresh: " + show(el));
    }
    if (tag === "script") {
      const src = el.getAttribute("src");
      let own = false;
      if (src) {
        const url = new URL(src, location.href);
        own = url.origin === location.origin && OWN_SCRIPTS.test(url.pathname);
      }
      if (!own) { found.push("script: " + show(el)); }
    }
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      // Browsers ignore control characters and spaces in a URL's scheme ("java\tscript:").
      const value = attribute.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
      if (name.startsWith("on") || name.startsWith("hx-on") || name.startsWith("data-hx-on")) {
        found.push("handler: " + show(el));
      } else if (URL_ATTRIBUTES.has(name) && BAD_URL.test(value)) {
        found.push("url: " + show(el));
      } else if (/^(data-)?hx-(vals|vars|headers)$/.test(name) && value.startsWith("js:")) {
        found.push("htmx js: " + show(el));
      }
    }
  }
  const html = document.documentElement.outerHTML;
  const markers = Array.from(new Set(html.match(/(?<![\w])9\d{5}(?![\w])/g) || []));
  return {found, xss: window.__xss === undefined ? null : String(window.__xss), markers};
}"""

HAS_TOKEN = """() => !!(document.querySelector("input[name=csrf_token]")
                       || (document.body && document.body.getAttribute("hx-headers")))"""

MARKER_RE = re.compile(r"(?<![\w])9\d{5}(?![\w])")


@dataclass
class Hit:
    """Something that ran, or would run on a click, on a page."""

    who: str
    url: str
    what: str

    def markers(self) -> set[int]:
        return {int(m) for m in MARKER_RE.findall(self.what)}


@dataclass
class Probe:
    """Chromium contexts with CSP off that share one list of hits and one set of markers seen."""

    browser: object
    base: str
    tabs: int = 8
    hits: list[Hit] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    visited: int = 0
    viewers: list["Viewer"] = field(default_factory=list)

    def viewer(self, name: str = "anonymous", email: str | None = None, password: str | None = None) -> "Viewer":
        """A new browser context (own cookies), logged in through the login form when ``email`` is given."""
        viewer = Viewer(self, name)
        if email:
            viewer.log_in(email, password)
        self.viewers.append(viewer)
        return viewer

    def close(self) -> None:
        for viewer in self.viewers:
            viewer.context.close()


class Viewer:
    """One person's browser: a context with up to ``probe.tabs`` tabs, each reporting its dialogs as hits."""

    def __init__(self, probe: Probe, name: str):
        self.probe, self.name = probe, name
        self.context = probe.browser.new_context(
            bypass_csp=True, locale="en-GB", viewport={"width": 1200, "height": 900})
        self.context.set_default_timeout(15_000)
        self.pages = [self._new_page()]

    def _new_page(self):
        page = self.context.new_page()

        def on_dialog(dialog, page=page):
            self.probe.hits.append(Hit(self.name, page.url, f"{dialog.type}: {dialog.message}"))
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    @property
    def page(self):
        """The first tab, for step-by-step interaction."""
        return self.pages[0]

    def log_in(self, email: str, password: str) -> None:
        page = self.page
        page.goto(f"{self.probe.base}/login?next=/account")  # the home page lists every project: slower
        page.fill("form:has(input[name=password]) input[name=email]", email)
        page.fill("form:has(input[name=password]) input[name=password]", password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        if "/login" in page.url:
            raise AssertionError(f"{email} could not log in")

    def visit(self, paths: list[str]) -> None:
        """Load every path (relative to the site), one per tab at the same time, and inspect each page."""
        while len(self.pages) < min(self.probe.tabs, len(paths)):
            self.pages.append(self._new_page())
        for start in range(0, len(paths), len(self.pages)):
            batch = list(zip(self.pages, paths[start:start + len(self.pages)]))
            with ExitStack() as loading:  # start every tab's navigation, then wait for all of them
                waits = [loading.enter_context(page.expect_navigation()) for page, _path in batch]
                for page, path in batch:
                    page.evaluate("url => { location.href = url }", self.probe.base + path)
            for (_page, path), wait in zip(batch, waits):
                response = wait.value
                if response is None or response.status >= 400:
                    status = response.status if response else "?"
                    self.probe.hits.append(Hit(self.name, path, f"HTTP {status}: page missing"))
            batch[0][0].wait_for_timeout(SETTLE_MS)
            for page, _path in batch:
                self.inspect(page, settle=False)

    def inspect(self, page, settle: bool = True) -> None:
        """Record side effects, dangerous markup and the markers shown (after a moment for late handlers)."""
        if settle:
            page.wait_for_timeout(SETTLE_MS)
        result = page.evaluate(INSPECT)
        self.probe.visited += 1
        self.probe.seen.update(int(m) for m in result["markers"])
        if result["xss"] is not None:
            self.probe.hits.append(Hit(self.name, page.url, f"window.__xss = {result['xss']}"))
        for what in result["found"]:
            self.probe.hits.append(Hit(self.name, page.url, what))

    def post_from_page(self, path: str, action: str, fields: dict[str, str]) -> None:
        """From the page at ``path``, send a form to ``action`` like a browser does (with the page's CSRF token)."""
        page = self.page
        if not page.url.startswith(self.probe.base) or not page.evaluate(HAS_TOKEN):
            page.goto(self.probe.base + path)
        with page.expect_navigation():
            page.evaluate(
                """([action, fields]) => {
                  const form = document.createElement("form");
                  form.method = "post";
                  form.action = action;
                  const field = document.querySelector("input[name=csrf_token]");
                  const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
                  fields = Object.assign({csrf_token: field ? field.value : headers["X-CSRFToken"]}, fields);
                  for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                  }
                  document.body.appendChild(form);
                  form.submit();
                }""",
                [action, fields],
            )
        self.inspect(page)
