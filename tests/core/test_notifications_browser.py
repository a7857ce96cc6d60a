"""The inbox and the notification settings in real Chromium, at 375 px, in English and German, with and without JavaScript."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.models import Project
from core.notifications.models import NotificationPreference
from core.services import create_project
from core.toolkit import notify

pytestmark = pytest.mark.browser

WORDS = {
    "en-GB": {"inbox": "Notifications", "one": "Mark as read", "all": "Mark all as read", "settings": "Notification settings",
              "replies": "Replies to my comments", "at_once": "E-mail at once", "save": "Save",
              "saved": "Your notification settings have been saved.", "log_in": "Log in", "email": "E-mail address",
              "password": "Password"},
    "de-DE": {"inbox": "Benachrichtigungen", "one": "Als gelesen markieren", "all": "Alle als gelesen markieren",
              "settings": "Benachrichtigungen einstellen", "replies": "Antworten auf meine Kommentare",
              "at_once": "Sofort per E-Mail", "save": "Speichern",
              "saved": "Ihre Einstellungen für Benachrichtigungen wurden gespeichert.", "log_in": "Anmelden",
              "email": "E-Mail-Adresse", "password": "Passwort"},
}


@pytest.fixture
def site(make_app, users, live_server):
    app = make_app(plugins=["comments"])
    people = users(app)
    with app.app_context(), app.test_request_context():
        project = create_project("radweg", "Radweg Nord")
        db.session.commit()
        project = db.session.get(Project, project.id)
        notify("comments.reply", [people.anna.id], project=project, actor=people.ben.id,
               excerpt="Am Markt wäre gut.", url="/p/radweg")
        notify("comments.moderated", [people.anna.id], project=project, actor=people.moderator.id, action="hide",
               excerpt="Mein erster Gedanke", reason="Off topic", url="/p/radweg")
        notify("core.phase_opens", [people.anna.id], project=project, phase_title="Ideen sammeln",
               project_title="Radweg Nord", url="/p/radweg")
        db.session.commit()
    return app, people, live_server(app)


def _log_in(page, base, words):
    page.goto(base + "/login")
    page.get_by_label(re.compile("^" + words["email"])).fill("anna@example.org")
    page.get_by_label(re.compile("^" + words["password"])).fill("password-anna")
    page.locator("main").get_by_role("button", name=words["log_in"]).click()


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_the_inbox_and_the_settings_on_a_phone(site, browser, screenshot, locale):
    app, people, base = site
    words = WORDS[locale]
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, base, words)
        count = page.locator("#notification-count .notification-count")
        assert count.inner_text() == "3"
        page.locator("#notification-count").click()
        assert page.get_by_role("heading", name=words["inbox"]).is_visible()
        assert page.evaluate("typeof htmx") == "object"
        screenshot(f"inbox-{locale}", page)
        # htmx: the list is swapped in place and the header's count follows.
        page.get_by_role("button", name=re.compile("^" + words["one"])).first.click()
        expect(count).to_have_text("2")
        assert page.locator(".notification-unread").count() == 2
        page.get_by_role("button", name=words["all"]).click()
        expect(count).to_have_count(0)
        assert page.locator(".notification-unread").count() == 0
        screenshot(f"inbox-read-{locale}", page)

        page.goto(base + "/notifications/settings")
        assert page.get_by_role("heading", name=words["settings"]).is_visible()
        replies = page.get_by_role("group", name=words["replies"])
        replies.get_by_label(words["at_once"]).check()
        screenshot(f"settings-{locale}", page)
        page.get_by_role("button", name=words["save"], exact=True).click()
        assert page.get_by_text(words["saved"]).is_visible()
        assert page.get_by_role("group", name=words["replies"]).get_by_label(words["at_once"]).is_checked()
    finally:
        context.close()
    with app.app_context():
        chosen = db.session.scalar(db.select(NotificationPreference.mode).where(
            NotificationPreference.user_id == people.anna.id, NotificationPreference.kind == "comments.reply"))
    assert chosen == "immediate"


def test_the_inbox_without_javascript(site, browser, screenshot):
    _app, _people, base = site
    words = WORDS["en-GB"]
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, base, words)
        page.goto(base + "/notifications")
        page.get_by_role("button", name=re.compile("^" + words["one"])).first.click()
        assert page.locator("#notification-count .notification-count").inner_text() == "2"
        page.get_by_role("button", name=words["all"]).click()
        assert page.get_by_text("All notifications are marked as read.").is_visible()
        assert page.locator("#notification-count .notification-count").count() == 0
        # A notification's link opens what it is about.
        page.get_by_role("link", name=re.compile("Ben replied to your comment")).click()
        assert page.url.endswith("/p/radweg")
        screenshot("nojs", page)
    finally:
        context.close()
