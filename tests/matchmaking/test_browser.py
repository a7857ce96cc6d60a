"""Marking interest and answering it in a real Chromium, with and without JavaScript; screenshots at 375 px."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from core.testing import log_in_browser

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_marking_interest_and_answering_it(world, browser, live_server, javascript):
    w = world()
    base = live_server(w.app)
    anna_context = browser.new_context(java_script_enabled=javascript, locale="en-GB", viewport={"width": 1200, "height": 900})
    ben_context = browser.new_context(java_script_enabled=javascript, locale="en-GB", viewport={"width": 1200, "height": 900})
    try:
        anna, ben = anna_context.new_page(), ben_context.new_page()
        log_in_browser(anna, base, "anna@example.org", "password-anna")
        anna.goto(f"{base}{w.base}/challenges/{w.challenge}")
        assert "geheim-celle" not in anna.content()
        anna.evaluate("window.__stayed = true") if javascript else None
        anna.get_by_label("A short message (optional)").fill("Wir begleiten schon 400 Seniorinnen.")
        anna.get_by_role("button", name="I'm interested").click()
        anna.locator("#matchmaking-interest", has_text="No answer yet").wait_for()
        if javascript:  # swapped in place, no reload
            assert anna.evaluate("window.__stayed") is True
        else:
            assert "Your interest has been sent to Stadt Celle" in anna.text_content("#flash")

        log_in_browser(ben, base, "ben@example.org", "password-ben")
        ben.goto(f"{base}{w.base}/dashboard")
        request = ben.locator(".matchmaking-request", has_text="Digitalpaten")
        assert "Wir begleiten schon 400 Seniorinnen." in request.text_content()
        assert "geheim-paten" not in ben.content()
        request.get_by_role("button", name=re.compile("^Accept")).click()
        ben.locator(".matchmaking-request", has_text="You are connected.").wait_for() if javascript else \
            ben.locator("#flash", has_text="You are connected with Digitalpaten").wait_for()
        ben.goto(f"{base}{w.base}/dashboard")
        assert "geheim-paten@example.net" in ben.locator("#connections").text_content()

        anna.goto(f"{base}{w.base}/challenges/{w.challenge}")
        assert "geheim-celle@example.net" in anna.locator(".matchmaking-org").text_content()
        assert "You are connected." in anna.locator("#matchmaking-interest").text_content()
    finally:
        anna_context.close()
        ben_context.close()


def _shoot(browser, base, path, email, password, locale, name):
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        if email:
            log_in_browser(page, base, email, password)
        page.goto(f"{base}{path}")
        # The page fits the phone: nothing wider than the viewport.
        overflow = page.evaluate("document.documentElement.scrollWidth")
        if overflow > 375:  # name the culprits in the failure
            overflow = (overflow, page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.matchmaking-scroll'))
                .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 60))"""))
        folder = Path(__file__).resolve().parents[1] / "screenshots"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"matchmaking-{name}-{locale[:2]}-375.png"), full_page=True)
        return overflow, page.content()
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_screenshots_at_375_px(make_app, browser, live_server, login, locale):
    from core.demo import seed_demo

    app = make_app(plugins=["matchmaking"])
    with app.app_context():
        seed_demo()
    base = live_server(app)
    mm = "/p/innovationsnetz-niedersachsen/matchmaking"
    pages = [
        (mm, None, None, "catalogue"),
        (f"{mm}/challenges/1", "anna@example.org", "demo-password", "challenge"),
        (f"{mm}/dashboard", "ben@example.org", "demo-password", "dashboard"),
        (f"{mm}/organisers", "initiator@example.org", "demo-password", "organisers"),
    ]
    for path, email, password, name in pages:
        width, html = _shoot(browser, base, path, email, password, locale, name)
        assert not isinstance(width, tuple) and width <= 375, (name, width)
        if locale == "de-DE":
            assert 'lang="de"' in html
