"""A newcomer in a real browser: registers, logs in, sees which projects are open."""
import re
from datetime import timedelta

import pytest

from core.mail import outbox
from tests.conftest import T0
from tests.core import notes_plugin

pytestmark = pytest.mark.browser


@pytest.fixture
def site(make_app, users, project_with_phase, live_server):
    app = make_app(plugins=[], extra_plugins=[notes_plugin])
    people = users(app)
    project_with_phase(app, "notes", start=T0 - timedelta(days=2), end=T0 + timedelta(days=10), slug="open", title="Radverkehrsplan", people=people)
    project_with_phase(app, "notes", start=T0 + timedelta(days=5), end=T0 + timedelta(days=15), slug="soon", title="Spielplatz Nord")
    project_with_phase(app, "notes", start=T0 - timedelta(days=20), end=T0 - timedelta(days=8), slug="past", title="Haushalt 2026")
    return app, live_server(app)


def test_register_log_out_log_in_and_see_project_states(site, page, screenshot):
    _app, base = site
    page.goto(base + "/")
    page.get_by_role("link", name="Register").click()
    page.get_by_role("textbox", name="Display name").fill("Clara")
    page.get_by_label(re.compile(r"^E-mail address")).fill("clara@example.org")
    page.get_by_label(re.compile(r"^Password")).fill("a very good password")
    page.get_by_label(re.compile(r"^Repeat password")).fill("a very good password")
    page.get_by_label("I agree").check()
    screenshot("register-form")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    assert page.get_by_text("We have sent an e-mail to clara@example.org").is_visible()
    screenshot("register-sent")
    app = _app
    with app.app_context():
        body = outbox()[-1].get_content()
    page.goto(re.search(r"http://\S+/register/confirm/\S+", body).group(0))
    assert page.get_by_text("your account is ready. Welcome!").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label(re.compile(r"^E-mail address")).fill("clara@example.org")
    page.get_by_label(re.compile(r"^Password")).fill("a very good password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Welcome, Clara.").is_visible()

    active = page.locator("section", has=page.locator("#h-active"))
    upcoming = page.locator("section", has=page.locator("#h-upcoming"))
    ended = page.locator("section", has=page.locator("#h-ended"))
    assert "Radverkehrsplan" in active.inner_text()
    assert "Spielplatz Nord" in upcoming.inner_text()
    assert "Haushalt 2026" in ended.inner_text()
    screenshot("home-logged-in")

    page.get_by_role("link", name="Haushalt 2026").click()
    assert page.get_by_text("Participation ended on 21 March 2026, 11:00.").is_visible()
    screenshot("project-ended")


def test_language_switch_without_javascript(site, browser):
    _app, base = site
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(base + "/p/soon")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change").click()
    assert page.get_by_text("Die Beteiligung beginnt am 3. April 2026, 12:00 Uhr.").is_visible()
    context.close()


def test_keyboard_user_reaches_content_through_the_skip_link(site, page):
    _app, base = site
    page.goto(base + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
