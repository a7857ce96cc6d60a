"""No user text runs as script: every payload in every text field, rendered in Chromium with CSP off.

:mod:`tests.security.xss_world` posts each payload of
:mod:`tests.security.xss_payloads` into every stored text field through the
real forms; this test opens every page that shows that text (as a visitor,
participant, author, moderator, initiator and admin, in place with htmx
too), sends the forms that echo what was typed, and counts dialogs, script
side effects and markup that would run on a click (:mod:`tests.security.browser_probe`).

:data:`STORED`, :data:`ECHOED` and :data:`NOT_TEXT` together name every field
of every form of the core and the built-in plugins; a new field makes
``test_every_form_field_is_in_the_xss_inventory`` fail until it is put in one
of them (and, if it is text, into :mod:`tests.security.xss_world`).
"""
from __future__ import annotations

import time
import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from tests.security.browser_probe import Probe
from tests.security.xss_world import RATING_AT, build

ALL_PLUGINS = ["comments", "commenting", "ideas", "voting", "responses"]

#: Text that is stored and shown to others: payloads go in, the pages that show them are opened.
STORED = {
    "core.RegisterForm.display_name": "next to comments, in the moderation queue and the team list",
    "core.ProfileForm.display_name": "next to replies, on the account page",
    "core.ProjectForm.title": "home page, project page, page titles, management page",
    "core.ProjectForm.description": "project page (sanitized HTML), management page",
    "core.PhaseForm.title": "home page, project page, phase form",
    "core.PhaseForm.description": "project page (sanitized HTML), phase form",
    "core.ResultsForm.text": "results page and summary report (sanitized HTML), results list (excerpt), results form",
    "core.ResultsForm.next_steps": "results page and summary report (sanitized HTML), results form",
    "core.ResultsForm.link_label": "results page and summary report (the link's text), results form",
    "core.ResultsForm.link_url": "results page and summary report (a link; must be an http(s) address), results form",
    "comments.CommentForm.text": "threads, replies, permalinks, discussions loaded in place, reply page, queue",
    "comments.EditForm.text": "threads, edit form",
    "comments.ReportForm.text": "moderation queue",
    "comments.HideForm.reason": "threads (instead of the comment), moderation queue and log",
    "comments.RemarkForm.remark": "threads, moderation form, moderation log",
    "comments.BulkForm.reason": "threads (instead of the comment), moderation queue and log",
    "commenting.DocumentForm.title": "document list, document page, edit form",
    "commenting.DocumentForm.preamble": "document page (Markdown), edit form",
    "commenting.ChapterForm.title": "document list and page, chapter contents, edit form",
    "commenting.ChapterForm.part": "document page and chapter contents (part headings), edit form",
    "commenting.ParagraphForm.text": "chapter page (Markdown), paragraph page, edit form, delete confirmation",
    "commenting.ImportForm.file": "document, chapter titles, introduction and paragraphs of imported files",
    "ideas.IdeaForm.title": "idea list, idea page, voting widgets, edit form",
    "ideas.IdeaForm.description": "idea list (excerpt), idea page, edit form",
    "ideas.IdeaForm.location": "idea list, idea page, edit form",
    "ideas.HideForm.reason": "idea list and page, instead of the idea",
    "ideas.CategoryForm.name": "category page, list filter, idea cards, idea form",
    "voting.PollForm.title": "poll page, poll form",
    "voting.PollForm.intro": "poll page, poll form",
    "voting.QuestionForm.text": "poll page, poll builder, question form",
    "voting.QuestionForm.help": "poll page, question form",
    "voting.QuestionForm.options": "poll page, poll builder",
    "core.ProjectForm.organisation": "official responses (their heading), response form, management page",
    "responses.ResponseForm.text": "discussions and item pages (sanitized HTML), response form",
}

#: Not stored, but printed again on the page a form sends back with an error (or a search shows).
ECHOED = {
    "core.LoginForm.email": "login form after a failed login",
    "core.LoginForm.next": "login form's hidden return address",
    "core.RegisterForm.email": "registration form with an error",
    "core.ResetRequestForm.email": "reset form with an error",
    "core.LanguageForm.next": "the redirect after choosing a language",
    "comments.CommentForm.next": "comment form page with an error (its back link)",
    "comments.EditForm.next": "edit form page with an error",
    "comments.ReportForm.next": "report form page with an error",
    "comments.HideForm.next": "moderation form page with an error",
    "comments.RemarkForm.next": "moderation form page with an error",
    "core.ChangeEmailForm.email": "profile page with an error (a new address is stored only once confirmed)",
    "core.FollowForm.next": "the redirect after following or unfollowing a project",
    "responses.ResponseForm.next": "response form page with an error",
}

#: Stored as HTML through the sanitizer's allow-list (not escaped first like comments or Markdown).
SANITIZED_HTML = {"core.ProjectForm.description", "core.PhaseForm.description", "core.ResultsForm.text",
                  "core.ResultsForm.next_steps", "responses.ResponseForm.text"}

#: Text that is not a form field: the poll's free-text answers and the idea search.
OTHER_INPUTS = ("voting.poll answer", "ideas search")

PASSWORD = "a password: never stored as text, never printed"
CHOICE = "a choice from a fixed list, validated against it"
NUMBER = "a number or date, parsed before use"
FLAG = "a check box"
TOKEN = "an id or one-time token: parsed or compared; echoed only into its own hidden input"

#: Fields that take no free text, and why.
NOT_TEXT = {
    "core.LoginForm.password": PASSWORD,
    "core.LoginForm.remember": FLAG,
    "core.RegisterForm.password": PASSWORD,
    "core.RegisterForm.password_again": PASSWORD,
    "core.RegisterForm.accept_terms": FLAG,
    "core.ResetPasswordForm.password": PASSWORD,
    "core.ResetPasswordForm.password_again": PASSWORD,
    "core.ChangePasswordForm.current_password": PASSWORD,
    "core.ChangePasswordForm.password": PASSWORD,
    "core.ChangePasswordForm.password_again": PASSWORD,
    "core.ChangeEmailForm.current_password": PASSWORD,
    "core.DeleteAccountForm.current_password": PASSWORD,
    "core.FollowForm.following": "\"1\" or \"0\"; anything else changes nothing",
    "core.ProfileForm.locale": CHOICE,
    "core.LanguageForm.locale": CHOICE,
    "core.ProjectForm.slug": "a short name that must match [a-z0-9-]; refused otherwise",
    "core.ProjectForm.is_public": FLAG,
    "core.PhaseForm.kind": CHOICE,
    "core.PhaseForm.start": NUMBER,
    "core.PhaseForm.end": NUMBER,
    "core.MemberForm.email": "looked up; an unknown or invalid address only flashes a fixed message",
    "core.MemberForm.role": CHOICE,
    "comments.CommentForm.token": TOKEN,
    "comments.CommentForm.parent_id": TOKEN,
    "comments.ReportForm.reason": CHOICE,
    "comments.BulkForm.action": CHOICE,
    "commenting.DeleteForm.expected": TOKEN,
    "ideas.IdeaForm.category": "a choice among the project's categories (their names are CategoryForm.name)",
    "ideas.IdeaForm.token": TOKEN,
    "ideas.CategoryDeleteForm.move_to": "an id looked up among the project's categories",
    "voting.QuestionForm.kind": CHOICE,
    "voting.QuestionForm.required": FLAG,
    "voting.QuestionForm.min_choices": NUMBER,
    "voting.QuestionForm.max_choices": NUMBER,
    "voting.QuestionForm.max_length": NUMBER,
    "responses.ResponseForm.status": CHOICE,
}


def _key(form: type, name: str) -> str:
    """``core.LoginForm.email``, ``comments.HideForm.reason``: the module's package, the form, the field."""
    module = form.__module__
    owner = "core" if module.startswith("core.") else module.split(".")[1] if module.startswith("plugins.") else module
    return f"{owner}.{form.__name__}.{name}"


def _form_classes(cls=FlaskForm):
    for sub in cls.__subclasses__():
        yield sub
        yield from _form_classes(sub)


def form_fields() -> set[str]:
    """Every field of every form class the core and the built-in plugins define (after they are imported)."""
    keys = set()
    for form in _form_classes():
        if not form.__module__.startswith(("core.", "plugins.")) or "<locals>" in form.__qualname__:
            continue  # per-request subclasses (the phase form with settings) are checked below
        for name in dir(form):
            if isinstance(getattr(form, name, None), UnboundField):
                keys.add(_key(form, name))
    return keys


def test_every_form_field_is_in_the_xss_inventory(make_app):
    """A new form field fails here until it is listed (and, if it is text, planted by xss_world)."""
    app = make_app(plugins=ALL_PLUGINS)
    found = form_fields()
    from tests.security import test_xss_matchmaking as matchmaking  # its own inventory and browser test

    listed = set(STORED) | set(ECHOED) | set(NOT_TEXT)
    if any(key.startswith("matchmaking.") for key in found):  # the plugin's forms are imported in this process
        listed |= set(matchmaking.STORED) | set(matchmaking.NOT_TEXT)
    assert not found - listed, f"text fields the XSS test does not cover yet: {sorted(found - listed)}"
    assert not listed - found, f"listed fields that no longer exist: {sorted(listed - found)}"
    assert not (set(STORED) | set(ECHOED)) & set(NOT_TEXT)
    # Phase kinds add settings fields to the phase form per request: those are never free text.
    for kind in app.extensions["mitsprache"].registry.phase_kinds.values():
        for spec in kind.settings:
            assert spec.type in {"bool", "choice", "int"}, (kind.name, spec.name, spec.type)


@pytest.mark.browser
def test_the_probe_sees_script_that_runs_or_would_run(live_server, browser):
    """A page that prints payloads unescaped: every kind of hit must be reported, or the big test proves nothing."""
    from flask import Flask

    raw = Flask("unsafe")
    raw.get("/")(lambda: "<!doctype html><title>unsafe</title><body>"
                         "<img src=x onerror=alert(900001)>"
                         "<script>window.__xss=900002</script>"
                         '<a href=" JaVaScRiPt:alert(900003)">x</a>'
                         "<div onmouseover=alert(900004)>x</div>"
                         "<details open ontoggle=confirm(900005)>")
    probe = Probe(browser, live_server(raw))
    try:
        probe.viewer().visit(["/"])
    finally:
        probe.close()
    found = {(hit.what.split(":")[0], tuple(sorted(hit.markers()))) for hit in probe.hits}
    assert found >= {("alert", (900001,)), ("window.__xss = 900002", (900002,)), ("url", (900003,)),
                     ("handler", (900001,)), ("handler", (900004,)), ("confirm", (900005,))}, probe.hits
    assert {900001, 900002, 900003, 900004, 900005} <= probe.seen


#: htmx marks content with these classes until it has swapped it in and set up its links.
HTMX_SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def open_discussion(viewer, chapter: str, paragraph_id: int) -> None:
    """On the chapter page, open a paragraph's discussion in place (htmx), then load all comments and replies."""
    page = viewer.page
    page.goto(viewer.probe.base + chapter)
    # Clicked from script: Playwright's own click waits for layout to settle, slow on a page of 90 comments.
    page.eval_on_selector(f'.discussion-toggle[aria-controls="d-{paragraph_id}"]', "link => link.click()")
    page.wait_for_selector(f'#d-{paragraph_id}[data-loaded="true"]')
    page.wait_for_function(HTMX_SETTLED, polling=20)
    for selector in (f"#d-{paragraph_id} .comments-more a", f"#d-{paragraph_id} .more-replies a"):
        while (link := page.query_selector(selector)) is not None:
            link.evaluate("link => link.click()")
            # Swapped out by the next page of comments or by all the replies, which htmx then sets up.
            page.wait_for_function("link => !link.isConnected", arg=link, polling=20)
            page.wait_for_function(HTMX_SETTLED, polling=20)
    viewer.inspect(page)


@pytest.mark.browser
def test_no_payload_runs_in_any_text_field(make_app, users, login, live_server, browser, clock):
    """Every payload in every field, every page that shows it, as everyone who sees it: nothing runs."""
    started = time.perf_counter()
    app = make_app(plugins=ALL_PLUGINS)
    plan = build(app, users(app), login)
    planted = time.perf_counter()
    assert set(plan.markers) == set(STORED) | set(ECHOED) | set(OTHER_INPUTS)

    probe = Probe(browser, live_server(app))
    viewers = {}

    def viewer(key):
        if key not in viewers:
            email, password = plan.logins.get(key, (None, None))
            viewers[key] = probe.viewer(key, email, password)
        return viewers[key]

    try:
        for key, paths in plan.visits.items():
            viewer(key).visit(paths)
        for key, chapter, paragraph in plan.discussions:
            open_discussion(viewer(key), chapter, paragraph)
        for key, _field, page, action, fields in plan.echoes:
            viewer(key).post_from_page(page, action, fields)
        clock.set(RATING_AT)  # the ideas' voting widgets carry their titles
        viewer("anna").visit(plan.rating_visits)
    finally:
        probe.close()
    print(f"\n{sum(len(m) for m in plan.markers.values())} payloads in {len(plan.markers)} fields, "
          f"{probe.visited} pages inspected as {len(viewers)} people; planted in {planted - started:.1f} s, "
          f"browsed in {time.perf_counter() - planted:.1f} s")

    origin = {marker: key for key, markers in plan.markers.items() for marker in markers}
    report = [f"{hit.who} {hit.url}: {hit.what} [{', '.join(sorted({origin.get(m, '?') for m in hit.markers()}))}]"
              for hit in probe.hits]
    # The test looked where the text is: each field's markers were on the pages opened. HTML descriptions
    # lose most (the sanitizer drops a disallowed tag with its attributes), and a return address that
    # is not one of the site's own paths is dropped altogether, so those are not counted.
    shown = {key: len(probe.seen & set(markers)) / len(markers) for key, markers in plan.markers.items()}
    print("share of each field's markers seen:", {k: round(v, 2) for k, v in sorted(shown.items())})
    assert not report, f"{len(report)} hits:\n" + "\n".join(report[:60])
    expected = {key: 0.2 if key in SANITIZED_HTML else 0.9 for key in shown if not key.endswith(".next")}
    assert all(shown[key] >= share for key, share in expected.items()), {
        key: round(shown[key], 2) for key, share in expected.items() if shown[key] < share}
