"""Answering in a real Chromium: in place with htmx, and with JavaScript switched off (whole pages)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from core.testing import log_in_browser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/responses")



def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_editor_answers_an_idea_in_place(answered_site, live_server, page):
    app, world = answered_site
    base = live_server(app)
    log_in_browser(page, base, "editor@example.org", "password-editor")
    page.goto(f"{base}/p/{world.slug}/ideas/{world.idea}")
    page.evaluate("window.__stayed = true")
    page.get_by_role("link", name=re.compile("Write an official response")).click()
    page.get_by_label(re.compile("^Official response")).fill("Wir stellen zehn Bügel auf.")
    page.get_by_label("Status").select_option(label="Accepted")
    _shot(page, "htmx-form-en")
    page.get_by_role("button", name="Publish the response").click()
    page.get_by_role("heading", name="Official response").wait_for()
    assert page.evaluate("window.__stayed") is True  # swapped in place, no reload
    block = page.locator(".official-response")
    assert "Stadt Beispielstadt, Amt für Verkehr" in block.text_content()
    assert "Accepted" in block.text_content()
    _shot(page, "htmx-answered-en")

    page.get_by_role("link", name="Edit the response").click()
    page.get_by_label(re.compile("^Official response")).fill("Zehn Bügel, im Frühjahr.")
    page.get_by_role("button", name="Save the response").click()
    page.locator(".official-response", has_text="im Frühjahr").wait_for()
    assert page.evaluate("window.__stayed") is True


def test_without_javascript_the_form_is_a_page_of_its_own(answered_site, live_server, browser):
    app, world = answered_site
    base = live_server(app)
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        _log_in_de(page, base)
        page.goto(f"{base}/p/{world.slug}/documents/paragraph/{world.paragraph}")
        page.locator(f"#response-paragraph-{world.paragraph}").get_by_role("link", name=re.compile("Offiziell antworten")).click()
        assert "/responses/paragraph/" in page.url
        page.get_by_label(re.compile("^Offizielle Antwort")).fill("Danke für die Diskussion: Der Bahnhofsring kommt 2027.")
        _shot(page, "nojs-form-de-375")
        page.get_by_role("button", name="Antwort veröffentlichen").click()
        page.wait_for_load_state()
        assert f"/documents/paragraph/{world.paragraph}" in page.url
        assert "Die offizielle Antwort wurde veröffentlicht." in page.text_content("body")
        page.get_by_role("heading", name="Offizielle Antwort").wait_for()
        _shot(page, "nojs-answered-de-375")
    finally:
        context.close()


def _log_in_de(page, base):
    page.goto(f"{base}/login")
    page.get_by_label(re.compile(r"^E-Mail")).fill("editor@example.org")
    page.get_by_label(re.compile(r"^Passwort")).fill("password-editor")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def test_screenshots_of_what_participants_see(answered_site, live_server, browser, login):
    from tests.responses.conftest import response_url

    app, world = answered_site
    editor = login(app, world.users.editor)
    editor.post(response_url(world, "idea", world.idea),
                data={"response-text": "<p>Wir stellen <b>zehn Bügel</b> auf.</p>", "response-status": "partly_accepted"})
    editor.post(response_url(world, "comment", world.comment), data={"response-text": "Kommt 2027."})
    base = live_server(app)
    for locale, tag in (("de-DE", "de"), ("en-GB", "en")):
        context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
        page = context.new_page()
        page.goto(f"{base}/p/{world.slug}/ideas")
        _shot(page, f"list-{tag}-375")
        page.goto(f"{base}/p/{world.slug}/ideas/{world.idea}")
        _shot(page, f"idea-{tag}-375")
        page.goto(f"{base}/p/{world.slug}/documents/paragraph/{world.paragraph}")
        _shot(page, f"comment-{tag}-375")
        context.close()
