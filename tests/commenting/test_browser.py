"""Key flows in real Chromium: open a paragraph's discussion in place and comment, with and without JavaScript."""
from __future__ import annotations

import re

import pytest

from tests.commenting.conftest import add_comments
from core.testing import log_in_browser

pytestmark = pytest.mark.browser



def test_participant_opens_a_discussion_in_place_and_comments(draft, live_server, page, screenshot):
    p11, p12 = draft.paragraph_ids[:2]
    for i, pid in enumerate((p11, p11, p11, p12)):
        add_comments(draft.app, draft.project_id, "paragraph", pid, 1, draft.people.ben.id, text=f"Meinung {i}")
    base = live_server(draft.app)
    log_in_browser(page, base, "anna@example.org", "password-anna")
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
        from plugins.comments import api as discussion

        assert [r.text for r in discussion.iter_comments(draft.project_id) if r.target_id == p12][-1] == \
            "Bitte auch die Landwirtschaft nennen."


def test_participant_comments_without_javascript(draft, live_server, browser, screenshot):
    pid = draft.paragraph_ids[3]
    base = live_server(draft.app)
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in_browser(page, base, "anna@example.org", "password-anna")
        page.goto(f"{base}/p/{draft.slug}/documents/chapter/{draft.chapter_ids[1]}")
        page.locator(f'a.discussion-toggle[aria-controls="d-{pid}"]').click()
        page.wait_for_url(f"**/documents/paragraph/{pid}")
        assert page.get_by_role("heading", name="Paragraph 2.1").is_visible()
        page.locator("textarea").first.fill("Ohne JavaScript geht es auch.")
        page.get_by_role("button", name="Publish comment").click()
        page.get_by_role("article").filter(has_text="Ohne JavaScript geht es auch.").wait_for()
        screenshot("nojs-commented", target=page)
        with draft.app.app_context():
            from plugins.comments import api as discussion

            assert [r.text for r in discussion.iter_comments(draft.project_id)] == ["Ohne JavaScript geht es auch."]
    finally:
        context.close()


def test_overview_page_renders(draft, live_server, page, screenshot, clock):
    from datetime import timedelta

    from core.extensions import db
    from core.models import Project, User
    from plugins.comments import api as discussion
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
    log_in_browser(page, base, "initiator@example.org", "password-init")
    page.goto(f"{base}/p/{draft.slug}/documents/overview")
    assert page.get_by_role("img").count() == 1
    screenshot("overview")


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_a_reply_in_place_updates_the_discussion_count_and_the_contents(draft, live_server, browser, screenshot, locale):
    """After a reply (htmx) the heading "Discussion (3 comments)", the paragraph's count and the chapter's
    total in the contents beside it follow at once, as after a new comment."""
    p11, p12 = draft.paragraph_ids[:2]
    first, _second = add_comments(draft.app, draft.project_id, "paragraph", p11, 2, draft.people.ben.id, text="Meinung")
    add_comments(draft.app, draft.project_id, "chapter", draft.chapter_ids[0], 1, draft.people.ben.id, text="Ganz")
    german = locale == "de-DE"
    base = live_server(draft.app)
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if "htmx:" in message.text else None)
    try:
        page.goto(f"{base}/login")
        page.locator("input[name=email]").fill("anna@example.org")
        page.locator("input[name=password]").fill("password-anna")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{base}/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}")
        total = page.locator(f"#chapter-{draft.chapter_ids[0]} .toc-count")
        assert total.inner_text() == ("3 Kommentare" if german else "3 comments")
        page.locator(f'a.discussion-toggle[aria-controls="d-{p11}"]').click()
        region = page.locator(f"#d-{p11}")
        region.locator("textarea").first.wait_for()
        region.locator(f"#comment-{first}").get_by_role("link", name=re.compile("^(Antworten|Reply)")).click()
        box = region.locator(f"#reply-form-{first} textarea")
        box.wait_for()
        box.fill("Eine Antwort an Ben.")
        region.locator(f"#reply-form-{first} button[type=submit]").click()
        region.get_by_role("article").filter(has_text="Eine Antwort an Ben.").wait_for()
        assert region.locator(".comments-heading .count").inner_text() == ("(3 Kommentare)" if german else "(3 comments)")
        expect_toggle = "3 Kommentare" if german else "3 comments"
        page.wait_for_function(f"document.querySelector('[aria-controls=\\'d-{p11}\\'] .count-value').textContent === '{expect_toggle}'")
        assert total.inner_text() == ("4 Kommentare" if german else "4 comments")
        # A new comment on the chapter as a whole counts in the contents too.
        page.locator("#chapter-discussion").scroll_into_view_if_needed()
        chapter_form = page.locator(f"#comments-chapter-{draft.chapter_ids[0]}-form")
        chapter_form.locator("textarea").fill("Zum ganzen Kapitel.")
        chapter_form.locator("button[type=submit]").click()
        page.locator("#chapter-discussion article", has_text="Zum ganzen Kapitel.").wait_for()
        assert total.inner_text() == ("5 Kommentare" if german else "5 comments")
        region.locator(f"#comment-{first}").scroll_into_view_if_needed()
        screenshot(f"after-reply-{locale}", page)
        assert errors == []
    finally:
        context.close()
