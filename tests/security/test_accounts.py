"""Accounts an attacker cannot keep, probe or hijack: sessions, remember cookies, reset links, CSRF tokens.

Each test reproduces a way in that worked before: a session cookie copied
before logout, a "stay logged in" cookie kept through a password reset, a reset
mail whose link pointed at the attacker's host, a CSRF token learnt before login,
an address probed by how long the login took.
"""
from __future__ import annotations

import re
import statistics
import time

import pytest

from core.extensions import db
from core.mail import outbox
from core.models import User

PASSWORD = "password-anna"


@pytest.fixture
def site(make_app, users):
    app = make_app(plugins=[])
    return app, users(app)


def _log_in(client, email="anna@example.org", password=PASSWORD, remember=False):
    client._token = None  # as a browser does: the login page's own CSRF token
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _copy_cookies(source, target, names=("session", "remember_token")):
    """What an attacker who captured the cookies has: the same values in another browser."""
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def _logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_session_cookie_stops_working_at_logout(site):
    app, _people = site
    anna = app.test_client()
    _log_in(anna)
    thief = app.test_client()
    _copy_cookies(anna, thief, names=("session",))
    assert _logged_in(thief)
    anna.post("/logout")
    assert not _logged_in(anna)
    assert not _logged_in(thief)


def test_the_remember_cookie_is_lax_http_only_and_ends_with_a_password_reset(site):
    app, _people = site
    anna = app.test_client()
    response = _log_in(anna, remember=True)
    remember = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    # A browser that kept only the remember cookie (the session cookie expired) is logged in by it.
    later = app.test_client()
    _copy_cookies(anna, later, names=("remember_token",))
    assert _logged_in(later)
    stolen = app.test_client()
    _copy_cookies(anna, stolen)

    app.test_client().post("/reset", data={"email": "anna@example.org"})
    with app.app_context():
        link = re.search(r"http://localhost(/reset/\S+)", outbox()[-1].get_content()).group(1)
    reset = app.test_client()
    assert reset.post(link, data={"password": "a brand new password", "password_again": "a brand new password"}).status_code == 302
    assert _logged_in(reset)
    fresh = app.test_client()
    _copy_cookies(anna, fresh, names=("remember_token",))
    assert not _logged_in(fresh)
    assert not _logged_in(stolen)


def test_changing_the_password_ends_every_other_session_but_this_one(site):
    app, _people = site
    laptop, phone = app.test_client(), app.test_client()
    _log_in(laptop)
    _log_in(phone, remember=True)
    response = laptop.post("/account", data={"change_password": "1", "current_password": PASSWORD,
                                             "password": "a brand new password",
                                             "password_again": "a brand new password"}, follow_redirects=True)
    assert "Every other session of yours has ended." in response.get_data(as_text=True)
    assert _logged_in(laptop)
    assert not _logged_in(phone)
    _log_in(phone, password="a brand new password")


def test_changing_the_password_needs_the_current_one_and_keeps_the_input_errors_clear(site):
    app, _people = site
    client = app.test_client()
    _log_in(client)
    response = client.post("/account", data={"change_password": "1", "current_password": "wrong",
                                             "password": "a brand new password",
                                             "password_again": "a brand new password"})
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "anna@example.org")).check_password(PASSWORD)


def test_secure_cookies_under_an_https_base_url(make_app, users):
    app = make_app(plugins=[], base_url="https://localhost")
    users(app)
    response = app.test_client().post("/login", data={"email": "anna@example.org", "password": PASSWORD,
                                                      "remember": "y"}, base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in c for c in cookies if c.startswith(("session=", "remember_token="))), cookies
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_reset_links_point_at_base_url_and_other_hosts_are_refused(make_app, users):
    """Host header poisoning: the mailed link must never lead to a host the request named."""
    app = make_app(plugins=[], base_url="https://beteiligung.example.de")
    users(app)
    site = "https://beteiligung.example.de"
    client = app.test_client()
    client.csrf_token(base_url=site)
    same_site = {"Referer": f"{site}/reset"}  # browsers send it; Flask-WTF checks it over HTTPS
    poisoned = client.post("/reset", data={"email": "anna@example.org"}, headers={"Host": "evil.example", **same_site},
                           base_url=site)
    assert poisoned.status_code == 400
    with app.app_context():
        assert len(outbox()) == 0
    forwarded = client.post("/reset", data={"email": "anna@example.org"},
                            headers={"X-Forwarded-Host": "evil.example", **same_site}, base_url=site)
    assert forwarded.status_code == 302  # no proxies configured: the header is ignored
    with app.app_context():
        body = outbox()[-1].get_content()
    assert "evil.example" not in body
    assert re.search(r"https://beteiligung\.example\.de/reset/\S+", body)


def test_reset_links_use_base_url_even_when_hosts_are_not_enforced(make_app, users):
    """In development (no trusted hosts) a forged Host still cannot reach the mail."""
    app = make_app(plugins=[], base_url="http://127.0.0.1:5000", environment="development")
    users(app)
    client = app.test_client()
    client.csrf_token(base_url="http://evil.example")
    assert client.post("/reset", data={"email": "anna@example.org"}, base_url="http://evil.example").status_code == 302
    with app.app_context():
        body = outbox()[-1].get_content()
    assert "evil.example" not in body and "http://127.0.0.1:5000/reset/" in body


def test_a_csrf_token_learnt_before_login_is_worthless_after_it(site):
    app, _people = site
    client = app.test_client()
    before = client.csrf_token()
    _log_in(client)
    response = client.post("/account", data={"display_name": "Mallory", "csrf_token": before})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(User.display_name).where(User.email == "anna@example.org")) == "Anna"


def test_login_takes_as_long_for_unknown_addresses_as_for_known_ones(make_app, users):
    """With the production hash (scrypt) a wrong password took 112 ms, an unknown address 6 ms."""
    app = make_app(plugins=[], PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        from core.services import create_user

        create_user("anna@example.org", PASSWORD, "Anna")
        db.session.commit()
    client = app.test_client()

    def timed(email):
        started = time.perf_counter()
        assert client.post("/login", data={"email": email, "password": "wrong"}).status_code == 400
        return time.perf_counter() - started

    timed("warm-up@example.org")
    known = statistics.median(timed("anna@example.org") for _ in range(5))
    unknown = statistics.median(timed("nobody@example.org") for _ in range(5))
    assert 0.5 < unknown / known < 2, (known, unknown)
