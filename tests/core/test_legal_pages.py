"""Imprint and privacy notice: linked in every page's footer, in both themes and languages, and at registration."""
import re

import pytest

from core.config import ConfigError

PRIVACY = "<h3>Verantwortlich</h3><p>Stadt Musterstadt</p><script>alert(1)</script>"
IMPRINT = "<p>Stadt Musterstadt, Marktplatz 1</p><img src=x onerror=alert(1)>"


def _footer(page: str) -> str:
    return re.search(r'<footer class="site-footer">.*?</footer>', page, re.S).group(0)


@pytest.mark.parametrize("theme", ["default", "civic"])
@pytest.mark.parametrize("language, imprint, privacy", [("en", "Imprint", "Privacy"), ("de", "Impressum", "Datenschutz")])
def test_every_page_links_imprint_and_privacy_notice(make_app, users, login, theme, language, imprint, privacy):
    app = make_app(plugins=[], theme=theme, imprint_url="https://www.musterstadt.de/impressum",
                   privacy_html=PRIVACY)
    people = users(app)
    visitor = app.test_client()
    visitor.post("/language", data={"locale": language, "next": "/"})
    member = login(app, people.anna)
    member.post("/language", data={"locale": language, "next": "/"})
    for client, path in [(visitor, "/"), (visitor, "/login"), (visitor, "/register"), (member, "/account"),
                         (visitor, "/no-such-page")]:
        footer = _footer(client.get(path).get_data(as_text=True))
        assert f'<a href="https://www.musterstadt.de/impressum">{imprint}</a>' in footer, path
        assert f'<a href="/datenschutz">{privacy}</a>' in footer, path


def test_pages_written_in_the_config_are_served_sanitized(make_app):
    app = make_app(plugins=[], imprint_html=IMPRINT, privacy_html=PRIVACY)
    client = app.test_client()
    page = client.get("/datenschutz").get_data(as_text=True)
    assert "<h1>Privacy</h1>" in page and "<h3>Verantwortlich</h3><p>Stadt Musterstadt</p>" in page
    assert "<script>" not in page.split("<main", 1)[1]
    imprint = client.get("/impressum").get_data(as_text=True)
    assert "Marktplatz 1" in imprint and "onerror" not in imprint


def test_addresses_redirect_and_unset_pages_are_missing(make_app):
    app = make_app(plugins=[], privacy_url="https://www.musterstadt.de/datenschutz")
    client = app.test_client()
    response = client.get("/datenschutz")
    assert response.status_code == 302 and response.headers["Location"] == "https://www.musterstadt.de/datenschutz"
    assert client.get("/impressum").status_code == 404
    footer = _footer(client.get("/").get_data(as_text=True))
    assert "Imprint" not in footer and "musterstadt.de/datenschutz" in footer


def test_without_either_the_footer_has_no_legal_links(make_app):
    footer = _footer(make_app(plugins=[]).test_client().get("/").get_data(as_text=True))
    assert "Legal information" not in footer


def test_registration_consent_links_the_privacy_notice(make_app):
    app = make_app(plugins=[], privacy_html=PRIVACY)
    page = app.test_client().get("/register").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*id="accept_terms"[^>]*>', page).group(0)
    assert 'aria-describedby="accept_terms-help"' in checkbox
    assert "to the processing of my data described in the privacy notice" in page
    help_text = re.search(r'<p class="help" id="accept_terms-help">(.*?)</p>', page).group(1)
    assert 'href="/datenschutz"' in help_text
    # Not ticked: no account, and the error is tied to the checkbox.
    response = app.test_client().post("/register", data={
        "display_name": "Clara", "email": "clara@example.org", "password": "a long password",
        "password_again": "a long password"})
    assert response.status_code == 400
    assert 'aria-describedby="accept_terms-help accept_terms-error"' in response.get_data(as_text=True)
    assert "Please agree to take part." in response.get_data(as_text=True)


@pytest.mark.parametrize("settings, message", [
    ({"privacy_url": "https://x.example/d", "privacy_html": "<p>x</p>"}, "Set privacy_url or privacy_html, not both"),
    ({"imprint_url": "javascript:alert(1)"}, "imprint_url must be an address like https://"),
    ({"deleted_contributions": "forget"}, "deleted_contributions must be \"keep\" or \"remove\""),
])
def test_settings_that_cannot_work_stop_the_start_with_the_fix(make_app, settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_app(plugins=[], **settings)


def test_settings_come_from_the_environment_too(make_app, monkeypatch):
    monkeypatch.setenv("MITSPRACHE_IMPRINT_URL", "https://www.musterstadt.de/impressum")
    monkeypatch.setenv("MITSPRACHE_DELETED_CONTRIBUTIONS", "remove")
    app = make_app(plugins=[])
    assert app.config["DELETED_CONTRIBUTIONS"] == "remove"
    assert "https://www.musterstadt.de/impressum" in _footer(app.test_client().get("/").get_data(as_text=True))
