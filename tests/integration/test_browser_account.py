"""The privacy part of the profile in real Chromium, on a phone, in German and English.

Zora (tests/integration/account_world.py) has taken part in every way there
is. She sees her participation, unfollows a project with htmx, downloads her
data and deletes her account: first with a wrong password, then for real.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from tests.integration import account_world
from tests.integration.account_world import EMAIL, NAME, PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "en-GB": {"participation": "My participation", "profile": "Your profile", "download": "Download my data",
              "password": "Current password", "delete": "Delete my account", "wrong": "This is not your current password.",
              "deleted": "Your account has been deleted. Thank you for taking part.", "unfollow": "Unfollow",
              "follow": "Follow", "unfollowed": "You no longer follow this project.", "login": "Log in",
              "privacy": "Privacy", "label": "Supported"},
    "de-DE": {"participation": "Meine Beteiligung", "profile": "Ihr Profil", "download": "Meine Daten herunterladen",
              "password": "Aktuelles Passwort", "delete": "Mein Konto löschen",
              "wrong": "Das ist nicht Ihr aktuelles Passwort.",
              "deleted": "Ihr Konto wurde gelöscht. Danke für Ihre Beteiligung.", "unfollow": "Entfolgen",
              "follow": "Folgen", "unfollowed": "Sie folgen diesem Projekt nicht mehr.", "login": "Anmelden",
              "privacy": "Datenschutz", "label": "Unterstützt"},
}


@pytest.fixture
def world(kiez, login, clock):
    world = account_world.build(kiez, login, clock)
    world.app.config["PRIVACY_HTML"] = "<h3>Verantwortlich</h3><p>Stadt Musterstadt</p>"
    return world


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_a_participant_downloads_her_data_and_deletes_her_account(world, live_server, browser, screenshot, locale):
    words = WORDS[locale]
    base = live_server(world.app)
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{base}/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")

        # The project page says that she follows it, with the button to stop.
        page.goto(f"{base}/p/kiezfonds")
        assert page.locator(".project-head").get_by_role("button", name=re.compile("^" + words["unfollow"])).is_visible()
        screenshot(f"project-{locale}", page)

        # My participation: the projects she follows and all she contributed.
        page.get_by_role("link", name=words["participation"]).click()
        assert page.get_by_role("heading", name=words["participation"], level=1).is_visible()
        assert "Trinkbrunnen am Markt" in page.locator("main").inner_text()
        assert words["label"] in page.locator("main").inner_text()
        screenshot(f"participation-{locale}", page)
        # Unfollow the poll's project in place (htmx), told in the flash area.
        survey = page.locator(".follow-row", has_text="Umfrage Stadtpark")
        survey.get_by_role("button", name=re.compile("^" + words["unfollow"])).click()
        survey.get_by_role("button", name=re.compile("^" + words["follow"] + r"\b")).wait_for()
        assert page.locator("#flash").inner_text().strip() == words["unfollowed"]
        assert page.evaluate("typeof htmx") == "object"

        # The profile's privacy part: the download, the notice, the deletion.
        page.goto(f"{base}/account#your-data")
        page.locator("footer").get_by_role("link", name=words["privacy"]).wait_for()
        screenshot(f"profile-{locale}", page)
        with page.expect_download() as download_info:
            page.get_by_role("link", name=words["download"]).click()
        download = download_info.value
        assert re.fullmatch(r"mitsprache-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
        with open(download.path(), "rb") as fh:
            archive = zipfile.ZipFile(io.BytesIO(fh.read()))
        data = json.loads(archive.read("data.json"))
        assert data["account"]["display_name"] == NAME
        assert len(data["contributions"]) == 8
        assert [p["title"] for p in data["following"]] == ["Kiezfonds"]

        section = page.locator("form", has=page.get_by_role("button", name=words["delete"]))
        section.get_by_label(words["password"]).fill("not my password")
        section.get_by_role("button", name=words["delete"]).click()
        page.wait_for_url(re.compile(r".*/account/delete#delete-account$"))
        assert page.get_by_text(words["wrong"]).is_visible()
        screenshot(f"delete-error-{locale}", page)
        section = page.locator("form", has=page.get_by_role("button", name=words["delete"]))
        section.get_by_label(words["password"]).fill(PASSWORD)
        section.get_by_role("button", name=words["delete"]).click()
        page.wait_for_url(re.compile(re.escape(base) + r"/(#delete-account)?$"))  # the fragment survives the redirect
        assert page.locator(".flash-success").inner_text() == words["deleted"]
        assert page.locator(".account-nav").get_by_role("link", name=words["login"]).is_visible()
        screenshot(f"deleted-{locale}", page)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_the_consent_links_the_notice_and_a_new_address_is_confirmed(make_app, users, live_server, browser,
                                                                      screenshot, locale):
    """Registration links the privacy notice; a new address, asked for in the profile, is confirmed by its link."""
    from core.mail import outbox

    german = locale == "de-DE"
    app = make_app(plugins=[], privacy_html="<h3>Verantwortlich</h3><p>Stadt Musterstadt, Marktplatz 1</p>",
                   imprint_url="https://www.musterstadt.de/impressum")
    people = users(app)
    base = live_server(app)
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{base}/register")
        consent = page.get_by_label(re.compile("^Ich bin einverstanden" if german else "^I agree"))
        assert consent.get_attribute("aria-describedby") == "accept_terms-help"
        screenshot(f"register-{locale}", page)
        with context.expect_page() as opened:  # a new tab: the half-filled form stays
            page.locator("#accept_terms-help a").click()
        notice = opened.value
        notice.wait_for_load_state()
        assert notice.get_by_text("Stadt Musterstadt, Marktplatz 1").is_visible()
        screenshot(f"privacy-{locale}", notice)
        notice.close()

        page.goto(f"{base}/login")
        page.fill("#email", people.anna.email)
        page.fill("#password", "password-anna")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/account#change-email")
        page.get_by_label("Neue E-Mail-Adresse" if german else "New e-mail address").fill("anna@neu.example")
        form = page.locator("form", has=page.locator("#new_email"))
        form.get_by_label("Aktuelles Passwort" if german else "Current password").fill("password-anna")
        form.get_by_role("button").click()
        page.locator(".flash").wait_for()
        with app.app_context():
            link = re.search(r"http://\S+/account/email/\S+", outbox()[-2].get_content()).group(0)
        page.goto(link)
        screenshot(f"confirm-address-{locale}", page)
        page.get_by_role("button", name="Neue Adresse bestätigen" if german else "Confirm new address").click()
        page.wait_for_url(re.compile(r".*/account$"))
        assert "anna@neu.example" in page.locator(".flash-success").inner_text()
    finally:
        context.close()
