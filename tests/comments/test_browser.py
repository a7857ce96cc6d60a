"""The discussion in a real browser: with htmx, and as plain forms with JavaScript switched off."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.extensions import db

from tests.comments.conftest import seed

pytestmark = pytest.mark.browser


def log_in(page, base, email, password):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_comment_reply_and_agree_with_htmx(world, live_server, page, screenshot):
    root = seed(world.app, world, world.people.ben, "Der Marktplatz braucht mehr Schatten.\nVor allem im Sommer.")
    for i in range(5):
        seed(world.app, world, world.people.initiator, f"Antwort Nummer {i}", parent=root)
    base = live_server(world.app)
    log_in(page, base, "anna@example.org", "password-anna")
    page.goto(base + world.page)
    page.evaluate("window.__noReload = true")
    page.get_by_role("link", name="Show 5 replies").click()  # replies come on demand
    page.locator(f"#replies-{root} article", has_text="Antwort Nummer 4").wait_for()
    sent_token = page.locator("form.comment-form input[name=token]").input_value()

    # A new comment appears in place, focused, with a status message.
    page.get_by_label("Your comment").fill("Mehr Bänke wären schön. Siehe https://example.org/plan")
    page.get_by_role("button", name="Publish comment").click()
    new = page.locator("article.comment", has_text="Mehr Bänke wären schön")
    new.wait_for()
    assert page.evaluate("window.__noReload") is True
    expect(new).to_be_focused()
    assert page.locator(".comments-status").inner_text() == "Your comment was published."
    assert "(7 comments)" in page.locator(".comments-heading").inner_text()
    assert new.locator("a[href='https://example.org/plan']").count() == 1
    assert page.get_by_label("Your comment").input_value() == ""
    # Only the new comment came (out of band, at the top); the form is a fresh one with a new token.
    assert "Mehr Bänke" in page.locator(".comment-list > .comment-item").first.inner_text()
    assert page.locator("article.comment", has_text="Mehr Bänke wären schön").count() == 1
    assert page.locator("form.comment-form input[name=token]").input_value() not in ("", sent_token)

    # Agree with Ben's comment: only the vote widget changes, the button is pressed and keeps the focus.
    ben = page.locator(f"#comment-{root}")
    ben.get_by_role("button", name=re.compile("^Agree")).click()
    pressed = ben.locator("button.vote-agree[aria-pressed='true']")
    pressed.wait_for()
    assert pressed.locator(".vote-count").inner_text() == "1"
    expect(pressed).to_be_focused()

    # Reply: the form opens under the comment, the reply appears in the thread, the form closes.
    ben.get_by_role("link", name=re.compile("^Reply")).click()
    reply_box = page.get_by_label("Your reply to Ben")
    reply_box.wait_for()
    expect(reply_box).to_be_focused()
    reply_box.fill("Da stimme ich zu!")
    screenshot("reply-form")
    page.get_by_role("button", name="Publish reply").click()
    reply = page.locator(f"#replies-{root} article", has_text="Da stimme ich zu!")
    reply.wait_for()
    expect(reply).to_be_focused()
    assert page.locator(f"#slot-{root} form").count() == 0
    assert page.locator(f"#replies-{root} article").count() == 6  # all replies are shown after replying

    # Editing swaps the comment for a form and back.
    new.get_by_role("link", name=re.compile("^Edit")).click()
    editor = page.get_by_label("Edit your comment")
    editor.fill("Mehr Bänke und Trinkbrunnen wären schön.")
    page.get_by_role("button", name="Save changes").click()
    page.locator("article.comment", has_text="Trinkbrunnen").wait_for()
    assert page.locator("article.comment", has_text="edited on").count() == 1
    assert page.evaluate("window.__noReload") is True
    screenshot("after")


def test_show_replies_and_sorting_with_htmx(world, live_server, page, screenshot):
    root = seed(world.app, world, world.people.ben, "Wurzelkommentar")
    for i in range(6):
        seed(world.app, world, world.people.initiator, f"Antwort Nummer {i}", parent=root)
    seed(world.app, world, world.people.anna, "Späterer Kommentar")
    base = live_server(world.app)
    page.goto(base + world.page)
    page.evaluate("window.__noReload = true")
    assert page.locator(f"#replies-{root} article").count() == 0
    page.get_by_role("link", name="Show 6 replies").click()
    page.locator(f"#replies-{root} article", has_text="Antwort Nummer 5").wait_for()
    assert page.locator(f"#replies-{root} article").count() == 6
    expect(page.locator(f"#replies-{root} article", has_text="Antwort Nummer 0")).to_be_focused()
    assert page.evaluate("window.__noReload") is True
    screenshot("replies-loaded")
    page.get_by_role("link", name="Oldest first").click()
    page.locator(".comments-sort a[aria-current='true']", has_text="Oldest first").wait_for()
    first = page.locator(".comment-list > .comment-item").first
    assert "Wurzelkommentar" in first.inner_text()
    screenshot("anonymous")


def test_comment_reply_and_vote_without_javascript(world, live_server, browser, screenshot):
    root = seed(world.app, world, world.people.ben, "Kommentar von Ben")
    base = live_server(world.app)
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, base, "anna@example.org", "password-anna")
        page.goto(base + world.page)
        page.get_by_label("Your comment").fill("Ohne JavaScript geschrieben")
        page.get_by_role("button", name="Publish comment").click()
        page.wait_for_url(re.compile(re.escape(base + world.page) + r"#comment-\d+$"))
        assert page.locator(".flash-success").inner_text() == "Your comment was published."
        assert page.locator("article.comment", has_text="Ohne JavaScript geschrieben").count() == 1

        # Reply through the reply page, then back at the comment.
        page.locator(f"#comment-{root}").get_by_role("link", name=re.compile("^Reply")).click()
        assert page.locator("h1").inner_text() == "Reply"
        page.get_by_label("Your reply to Ben").fill("Antwort ohne Skript")
        page.get_by_role("button", name="Publish reply").click()
        # Back at the comment's page, which shows every reply (the thread shows them on demand).
        page.wait_for_url(re.compile(re.escape(f"{base}/comments/c/{root}") + r"#comment-\d+$"))
        assert page.locator(f"#replies-{root} article", has_text="Antwort ohne Skript").count() == 1
        page.goto(base + world.page)
        page.get_by_role("link", name="Show 1 reply").click()
        page.wait_for_url(f"{base}/comments/c/{root}#comment-{root}")
        assert page.locator(f"#replies-{root} article", has_text="Antwort ohne Skript").count() == 1
        page.goto(base + world.page)

        # Voting is a plain form post with a redirect back to the comment.
        page.locator(f"#comment-{root}").get_by_role("button", name=re.compile("^Agree")).click()
        page.wait_for_url(f"{base}{world.page}#comment-{root}")
        assert page.locator(f"#comment-{root} button.vote-agree").get_attribute("aria-pressed") == "true"

        # The too-long message without JavaScript.
        page.get_by_label("Your comment").fill("x" * 4001)
        page.get_by_role("button", name="Publish comment").click()
        assert "Your comment is too long" in page.locator(".error").inner_text()
        screenshot("too-long", page)
        page.goto(base + world.page)
        screenshot("nojs", page)
    finally:
        context.close()


def test_moderator_hides_a_reported_comment_and_adds_a_remark(world, live_server, page, screenshot, login):
    rude = seed(world.app, world, world.people.anna, "Ihr seid alle ahnungslos!")
    fine = seed(world.app, world, world.people.ben, "Gute Idee, aber teuer.")
    login(world.app, world.people.ben).post(f"/comments/c/{rude}/report", data={"reason": "insult", "text": "Beleidigend"})
    base = live_server(world.app)
    log_in(page, base, "moderator@example.org", "password-mod")
    page.goto(f"{base}/p/{world.slug}")
    page.get_by_role("link", name="Moderation").click()
    assert page.locator("h1").inner_text() == "Moderation"
    assert "1 report" in page.locator("#queue-%d" % rude).inner_text()
    screenshot("queue")
    page.goto(base + world.page)
    comment = page.locator(f"#comment-{rude}")
    comment.get_by_role("link", name="Moderate").click()
    expect(comment.get_by_label("Reason for hiding")).to_be_focused()
    comment.get_by_label("Reason for hiding").fill("Beleidigung")
    comment.get_by_role("button", name="Hide comment").click()
    page.locator(f"#comment-{rude} .comment-hidden-notice").wait_for()
    other = page.locator(f"#comment-{fine}")
    other.get_by_role("link", name="Moderate").click()
    expect(other.get_by_label("Reason for hiding")).to_be_focused()  # the panel is in place and processed
    other.get_by_label("Remark", exact=True).fill("Die Kosten werden im Herbst geprüft.")
    other.get_by_role("button", name="Save remark").click()
    page.locator(f"#comment-{fine} .moderator-remark").wait_for()
    screenshot("thread")
    assert page.locator(".comments-status").inner_text() == "The moderator remark was saved."


def _htmx_errors(page) -> list[str]:
    """Collects what htmx reports when a swap goes nowhere (htmx:targetError, htmx:oobErrorNoTarget …)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if "htmx:" in message.text else None)
    return errors


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_moderating_from_the_queue_page_with_javascript(world, live_server, browser, login, screenshot, locale):
    """The queue's "Moderate" opens a page of its own; hiding and the remark work there, htmx loaded."""
    rude = seed(world.app, world, world.people.anna, "Ihr seid alle ahnungslos!")
    fine = seed(world.app, world, world.people.ben, "Gute Idee, aber teuer.")
    login(world.app, world.people.ben).post(f"/comments/c/{rude}/report", data={"reason": "insult"})
    base = live_server(world.app)
    german = locale == "de-DE"
    words = {"moderate": "Moderieren", "reason": "Grund für das Ausblenden", "hide": "Kommentar ausblenden",
             "remark": "Anmerkung", "save": "Anmerkung speichern"} if german else {
             "moderate": "Moderate", "reason": "Reason for hiding", "hide": "Hide comment",
             "remark": "Remark", "save": "Save remark"}
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = _htmx_errors(page)
    try:
        log_in(page, base, "moderator@example.org", "password-mod")
        queue = f"{base}/p/{world.slug}/comments/moderation"
        page.goto(queue)
        assert page.evaluate("typeof htmx") == "object"
        screenshot(f"queue-{locale}", page)
        page.locator(f"#queue-{rude}").get_by_role("link", name=re.compile("^" + words["moderate"])).click()
        page.get_by_label(words["reason"]).fill("Beleidigung")
        screenshot(f"moderate-page-{locale}", page)
        page.get_by_role("button", name=words["hide"]).click()
        page.wait_for_url(re.compile(re.escape(queue) + r"(#.*)?$"))
        assert page.locator(".flash-success").inner_text() == (
            "Der Kommentar ist ausgeblendet." if german else "The comment is hidden.")
        # The other comment gets a remark the same way.
        page.locator("tr", has_text="Gute Idee, aber teuer.").first.get_by_role(
            "link", name=re.compile("^" + words["moderate"])).click()
        page.get_by_label(words["remark"], exact=True).fill("Die Kosten werden im Herbst geprüft.")
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_url(re.compile(re.escape(queue) + r"(#.*)?$"))
        assert "Die Kosten werden im Herbst geprüft." in page.locator("main").inner_text()
        screenshot(f"queue-after-{locale}", page)
        assert errors == []
    finally:
        context.close()
    with world.app.app_context():
        from plugins.comments.models import Comment

        assert db.session.get(Comment, rude).status == "hidden"
        assert db.session.get(Comment, fine).moderator_remark == "Die Kosten werden im Herbst geprüft."


def test_the_edit_page_saves_with_a_confirmation(world, live_server, page, screenshot):
    """Opened on its own (a bookmark, the link without JavaScript), the edit page saves and says so."""
    mine = seed(world.app, world, world.people.anna, "Erste Fassung")
    base = live_server(world.app)
    errors = _htmx_errors(page)
    log_in(page, base, "anna@example.org", "password-anna")
    page.goto(f"{base}/comments/c/{mine}/edit?next={world.page}")
    page.get_by_label("Edit your comment").fill("Zweite Fassung")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{base}{world.page}#comment-{mine}")
    assert page.locator(".flash-success").inner_text() == "Your changes were saved."
    assert "Zweite Fassung" in page.locator(f"#comment-{mine}").inner_text()
    screenshot("saved")
    assert errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_more_comments_of_a_long_thread(world, live_server, browser, screenshot, javascript):
    """A long thread's first page, then the next: in place with htmx (focus on the first new comment),
    as the next page without JavaScript."""
    ids = [seed(world.app, world, world.people.ben, f"Beitrag {i:02d}") for i in range(25)]
    base = live_server(world.app)
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB",
                                  viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + world.page)
        if javascript:
            page.evaluate("window.__noReload = true")
        assert page.locator("article.comment").count() == 20  # newest first: 24 down to 05
        page.get_by_role("link", name="Show more comments").click()
        oldest = page.locator("article.comment", has_text="Beitrag 00")
        oldest.wait_for()
        if javascript:
            assert page.evaluate("window.__noReload") is True
            assert page.locator("article.comment").count() == 25
            expect(page.locator(f"#comment-{ids[4]}")).to_be_focused()
        else:
            assert "page=2" in page.url
            assert page.locator("article.comment").count() == 5
            assert page.get_by_role("link", name="Previous comments").count() == 1
        assert page.get_by_role("link", name="Show more comments").count() == 0
        screenshot("more-comments-" + ("htmx" if javascript else "nojs"), page)
    finally:
        context.close()
