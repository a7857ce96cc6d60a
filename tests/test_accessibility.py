"""WCAG 2.1 A/AA checks with axe-core (from npm, pinned in package.json) on the demo's key pages.

Every page is checked as a visitor and as a logged-in participant, in German,
in real Chromium. axe cannot judge everything (sense of alt texts, focus order),
but what it can judge must be clean.
"""
import json
import re
from pathlib import Path

import pytest

from core.demo import seed_demo
from core.extensions import db

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` (make test does).")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def demo_site(make_app, live_server):
    app = make_app(plugins=["comments", "commenting", "ideas", "voting"])
    with app.app_context():
        seed_demo()
    return app, live_server(app)


def _pages(app, who):
    """Paths of the demo's key pages, found in the database rather than hard-coded ids."""
    from plugins.commenting.models import Chapter, Paragraph
    from plugins.ideas.models import Idea
    from plugins.voting.models import Poll

    with app.app_context():
        poll_slug = db.session.scalar(db.select(Poll)).project.slug
        chapter = db.session.scalar(db.select(Chapter).order_by(Chapter.id))
        paragraph = db.session.scalar(db.select(Paragraph).where(Paragraph.chapter_id == chapter.id).order_by(Paragraph.position))
        idea = db.session.scalar(db.select(Idea).order_by(Idea.id))
        doc_slug = chapter.project.slug
        idea_slug = idea.project.slug
        from core.results.models import PhaseResult

        result = db.session.scalar(db.select(PhaseResult).where(PhaseResult.published_at.is_not(None)))
        results = f"/p/{result.phase.project.slug}"
        if who == "staff":  # the initiator's and moderator's working pages
            return [
                f"/p/{doc_slug}/manage", f"/p/{doc_slug}/manage/phases/new", f"/p/{doc_slug}/comments/moderation",
                f"/p/{doc_slug}/documents/overview", f"/p/{poll_slug}/poll/manage", f"/p/{poll_slug}/poll/results",
                f"/p/{idea_slug}/ideas/categories",
                f"{results}/manage/phases/{result.phase_id}/results",
                # reading pages with the initiator's editing controls
                f"/p/{doc_slug}/documents", f"/p/{doc_slug}/documents/chapter/{chapter.id}",
            ]
        return [
            "/", "/login", "/register",
            f"/p/{doc_slug}", f"/p/{doc_slug}/documents", f"/p/{doc_slug}/documents/chapter/{chapter.id}",
            f"/p/{doc_slug}/documents/paragraph/{paragraph.id}",
            f"/p/{doc_slug}/documents/{chapter.document_id}/full", f"/p/{doc_slug}/documents/{chapter.document_id}/full?with=comments",
            f"/p/{idea_slug}", f"/p/{idea_slug}/ideas", f"/p/{idea_slug}/ideas/{idea.id}",
            f"/p/{poll_slug}/poll",
            f"{results}/results", f"{results}/results/{result.phase_id}", f"{results}/results/{result.phase_id}/report",
        ] + (["/account", "/account/participation", "/notifications", "/notifications/settings"]
             if who == "participant" else [])


def _violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        WCAG_TAGS,
    )
    return result


BLOCK_IN_P = re.compile(r"<p\b[^>]*>(?:(?!</p>).)*?<(form|div|ul|ol|section|table|h[1-6])\b", re.S)


def _blocks_inside_paragraphs(html: str) -> list[str]:
    """Block elements written inside ``<p>``: the browser closes the paragraph early and scatters them."""
    return [m.group(0)[-200:] for m in BLOCK_IN_P.finditer(html)]


def _log_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label(re.compile(r"^E-Mail-Adresse")).fill(email)
    page.get_by_label(re.compile(r"^Passwort")).fill("demo-password")
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.parametrize("who", ["visitor", "participant", "staff"])
def test_key_pages_have_no_wcag_violations(demo_site, browser, axe_source, who):
    app, base = demo_site
    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    if who != "visitor":
        _log_in(page, base, {"participant": "anna@example.org", "staff": "initiator@example.org"}[who])
    found = {}
    for path in _pages(app, who):
        response = page.goto(base + path)
        assert response.status == 200, (who, path, response.status)
        misnested = _blocks_inside_paragraphs(response.text())
        assert not misnested, (who, path, misnested)
        if "/documents/chapter/" in path:
            page.locator(".discussion-toggle").first.click()  # an opened discussion is part of the page
            page.locator(".discussion-region form, .discussion-region .comments").first.wait_for()
        violations = _violations(page, axe_source)
        if violations:
            found[path] = violations
    context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
