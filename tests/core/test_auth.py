"""Accounts through the browser's eyes: register, log in, log out, reset, profile, language."""
import re

import pytest

from core.extensions import db
from core.mail import outbox
from core.models import User


@pytest.fixture
def core_app(make_app):
    return make_app(plugins=[])


REGISTRATION = {
    "display_name": "Anna K.",
    "email": "Anna@Example.org",
    "password": "a good long password",
    "password_again": "a good long password",
    "accept_terms": "y",
}


def _mailed_link(app, path_prefix: str) -> str:
    with app.app_context():
        body = outbox()[-1].get_content()
    return re.search(r"http://localhost(" + re.escape(path_prefix) + r"\S+)", body).group(1)


def test_register_confirms_the_address_by_mail_then_logs_in(make_app):
    core_app = make_app(plugins=[], PASSWORD_HASH_METHOD="scrypt")  # the production default
    client = core_app.test_client()
    response = client.post("/register?next=/account", data=dict(REGISTRATION), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "We have sent an e-mail to anna@example.org" in page and "Log out" not in page
    with core_app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "anna@example.org" and user.email_confirmed_at is None
        assert user.password_hash.startswith("scrypt:")
        assert "a good long password" not in user.password_hash
    link = _mailed_link(core_app, "/register/confirm/")
    # Not confirmed yet: the right password does not log in, but sends a new link.
    early = client.post("/login", data={"email": "anna@example.org", "password": "a good long password"})
    assert "Please confirm your e-mail address first" in early.get_data(as_text=True)
    confirmed = client.get(link)
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert "your account is ready. Welcome!" in page and "Anna K." in page and "Log out" in page


def test_registration_errors_are_clear_and_keep_input(core_app):
    data = dict(REGISTRATION, password_again="different", email="not-an-email")
    response = core_app.test_client().post("/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The passwords differ." in page
    assert "Invalid email address." in page
    assert 'value="Anna K."' in page
    assert 'aria-invalid="true"' in page


def test_registering_an_existing_address_answers_the_same_and_tells_only_the_owner(core_app, users):
    users(core_app)
    known = core_app.test_client().post("/register", data=dict(REGISTRATION, email="anna@example.org"),
                                        follow_redirects=True)
    unknown = core_app.test_client().post("/register", data=dict(REGISTRATION, email="new@example.org"),
                                          follow_redirects=True)
    def answer(response):
        return response.get_data(as_text=True).replace("anna@example.org", "X").replace("new@example.org", "X")

    assert known.status_code == unknown.status_code == 200 and answer(known) == answer(unknown)
    with core_app.app_context():
        to_owner = [m for m in outbox() if m["To"] == "anna@example.org"][-1]
    assert to_owner["Subject"] == "You already have an account"
    with core_app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "anna@example.org")).check_password("password-anna")


def test_someone_elses_earlier_unconfirmed_registration_cannot_be_confirmed(core_app):
    """An attacker registers the victim's address first; the victim's own registration wins."""
    attacker = core_app.test_client()
    attacker.post("/register", data=dict(REGISTRATION, password="attacker password", password_again="attacker password"))
    attackers_link = _mailed_link(core_app, "/register/confirm/")
    victim = core_app.test_client()
    victim.post("/register", data=dict(REGISTRATION))
    victims_link = _mailed_link(core_app, "/register/confirm/")
    refused = attacker.get(attackers_link, follow_redirects=True)
    assert "This link is not valid." in refused.get_data(as_text=True)
    assert victim.get(victims_link).status_code == 302
    assert attacker.post("/login", data={"email": "anna@example.org", "password": "attacker password"}).status_code == 400


def test_login_and_logout(core_app, users):
    users(core_app)
    client = core_app.test_client()
    wrong = client.post("/login", data={"email": "anna@example.org", "password": "nope"})
    assert wrong.status_code == 400 and "E-mail address or password is wrong." in wrong.get_data(as_text=True)
    ok = client.post("/login", data={"email": "ANNA@example.org", "password": "password-anna", "next": "/account"})
    assert ok.status_code == 302 and ok.headers["Location"] == "/account"
    assert "anna@example.org" in client.get("/account").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/account").status_code == 302


def test_login_never_redirects_off_site(core_app, users):
    users(core_app)
    response = core_app.test_client().post(
        "/login", data={"email": "anna@example.org", "password": "password-anna", "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/"


def test_password_reset_by_mail_token_is_single_use(core_app, users):
    users(core_app)
    client = core_app.test_client()
    response = client.post("/reset", data={"email": "anna@example.org"}, follow_redirects=True)
    assert "If the address is registered" in response.get_data(as_text=True)
    with core_app.app_context():
        body = outbox(  )[-1].get_content()
    link = re.search(r"http://localhost(/reset/\S+)", body).group(1)
    form = client.get(link)
    assert "Choose a new password" in form.get_data(as_text=True)
    done = client.post(link, data={"password": "brand new password", "password_again": "brand new password"})
    assert done.status_code == 302
    again = client.get(link, follow_redirects=True)
    assert "This link has been used already." in again.get_data(as_text=True)
    client.post("/logout")
    relogin = client.post("/login", data={"email": "anna@example.org", "password": "brand new password"})
    assert relogin.status_code == 302


def test_reset_for_unknown_address_sends_nothing_and_says_the_same(core_app):
    response = core_app.test_client().post("/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "If the address is registered" in response.get_data(as_text=True)
    with core_app.app_context():
        assert len(outbox()) == 0


def test_a_forged_reset_token_is_refused(core_app):
    response = core_app.test_client().get("/reset/forged-token", follow_redirects=True)
    assert "This link is not valid." in response.get_data(as_text=True)


def test_language_follows_profile_then_browser_then_default(core_app, users, login):
    people = users(core_app)
    anonymous = core_app.test_client()
    assert "Projekte" in anonymous.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert "Take part" in anonymous.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Take part" in anonymous.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)  # default: en in tests

    client = login(core_app, people.anna)
    client.post("/account", data={"display_name": "Anna", "locale": "de"})
    assert "Mitmachen" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_language_switch_for_anonymous_visitors(core_app):
    client = core_app.test_client()
    client.post("/language", data={"locale": "de", "next": "/login"})
    assert "Passwort vergessen?" in client.get("/login").get_data(as_text=True)


def test_failed_logins_are_limited_per_account_not_per_address(make_app, users):
    app = make_app(plugins=[], RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    users(app)
    client = app.test_client()
    codes = [client.post("/login", data={"email": "anna@example.org", "password": "x"}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert "Too many attempts" in client.post("/login", data={"email": "anna@example.org", "password": "x"}).get_data(as_text=True)
    # Someone else at the same address (a town hall's shared address) still logs in.
    other = client.post("/login", data={"email": "ben@example.org", "password": "password-ben"})
    assert other.status_code == 302
