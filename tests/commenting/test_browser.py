"""Key flows in real Chromium: open a paragraph's discussion in place and comment, with and without JavaScript."""
from __future__ import annotations

import pytest

from tests.commenting.conftest import add_comments

pytestmark = pytest.mark.browser


def _log_in(page, base, email, password):
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_participant_opens_a_discussion_in_place_and_comments(draft, live_server, page, screenshot):
    p11, p12 = draft.paragraph_ids[:2]
    for i, pid in enumerate((p11, p11, p11, p12)):
        add_comments(draft.app, draft.project_id, "paragraph", pid, 1, draft.people.ben.id, text=f"Meinung {i}")
    base = live_server(draft.app)
    _log_in(page, base, "anna@example.org", "password-anna")
    chapter_url = f"{base}/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}"
    page.goto(chapter_url)
    screenshot("chapter")
    toggle = page.locator(f'a.discussion-toggle[aria-controls="d-{p12}"]')
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    region = page.locator(f"#d-{p12}")
    region.locator("textarea").wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.url == chapter_url  # loaded in place, no navigation
    assert "Meinung 3" in region.inner_text()
    screenshot("discussion-open")
    region.locator("textarea").fill("Bitte auch die Landwirtschaft nennen.")
    region.get_by_role("button", name="Publish comment").click()
    region.get_by_role("article").filter(has_text="Bitte auch die Landwirtschaft nennen.").wait_for()
    assert page.url == chapter_url
    assert "Your comment was published." in region.inner_text()
    # The count beside the paragraph follows; 1.2 now has 2 comments, 1.1 still 3.
    page.wait_for_function(f"document.querySelector('[aria-controls=\\'d-{p12}\\'] .count-value').textContent === '2 comments'")
    assert "heat-3" in toggle.locator(".heat").get_attribute("class")
    screenshot("commented")
    # The toggle closes and reopens the discussion without a new request.
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and region.is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and region.is_visible()
    with draft.app.app_context():
        from plugins.commenting import discussion

        assert [r.text for r in discussion.iter_comments(draft.project_id) if r.target_id == p12][-1] == \
            "Bitte auch die Landwirtschaft nennen."


def test_participant_comments_without_javascript(draft, live_server, browser, screenshot):
    pid = draft.paragraph_ids[3]
    base = live_server(draft.app)
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, base, "anna@example.org", "password-anna")
        page.goto(f"{base}/p/{draft.slug}/documents/chapter/{draft.chapter_ids[1]}")
        page.locator(f'a.discussion-toggle[aria-controls="d-{pid}"]').click()
        page.wait_for_url(f"**/documents/paragraph/{pid}")
        assert page.get_by_role("heading", name="Paragraph 2.1").is_visible()
        page.locator("textarea").first.fill("Ohne JavaScript geht es auch.")
        page.get_by_role("button", name="Publish comment").click()
        page.get_by_role("article").filter(has_text="Ohne JavaScript geht es auch.").wait_for()
        screenshot("nojs-commented", target=page)
        with draft.app.app_context():
            from plugins.commenting import discussion

            assert [r.text for r in discussion.iter_comments(draft.project_id)] == ["Ohne JavaScript geht es auch."]
    finally:
        context.close()


def test_overview_page_renders(draft, live_server, page, screenshot, clock):
    from datetime import timedelta

    from core.extensions import db
    from core.models import Project, User
    from plugins.commenting import discussion
    from tests.conftest import T0

    with draft.app.app_context():
        project = db.session.get(Project, draft.project_id)
        anna = db.session.get(User, draft.people.anna.id)
        for day in range(6):
            for i in range((day * 3) % 7 + 1):
                pid = draft.paragraph_ids[(day + i) % 5]
                discussion.add_comment("paragraph", pid, project, anna, "x", created_at=T0 - timedelta(days=5 - day))
        db.session.commit()
    base = live_server(draft.app)
    _log_in(page, base, "initiator@example.org", "password-init")
    page.goto(f"{base}/p/{draft.slug}/documents/overview")
    assert page.get_by_role("img").count() == 1
    screenshot("overview")
