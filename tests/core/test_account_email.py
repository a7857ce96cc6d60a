"""Changing one's e-mail address in the profile: confirmed by the new address, told to the old one, ending sessions."""
import re

import pytest

from core.extensions import db
from core.mail import outbox
from core.models import User


@pytest.fixture
def site(make_app, users):
    app = make_app(plugins=[])
    return app, users(app)


def _mails(app):
    with app.app_context():
        return [(message["To"], message["Subject"], message.get_content()) for message in outbox()]


def _link(body: str) -> str:
    return re.search(r"http://localhost(/account/email/\S+)", body).group(1)


def _address(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


def test_the_new_address_confirms_the_old_one_is_told_and_sessions_end(site, login):
    app, people = site
    laptop, phone = login(app, people.anna), login(app, people.anna)
    response = laptop.post("/account/email", data={"email": "Anna.Neu@Example.org", "current_password": "password-anna"})
    assert response.status_code == 302
    page = laptop.get("/account").get_data(as_text=True)
    assert "We have sent a link to anna.neu@example.org" in page
    (to_new, subject_new, body_new), (to_old, subject_old, body_old) = _mails(app)[-2:]
    assert to_new == "anna.neu@example.org" and subject_new == "Confirm your new e-mail address"
    assert to_old == "anna@example.org" and subject_old == "Your e-mail address is about to change"
    assert "anna.neu@example.org" in body_old and "http://localhost/reset" in body_old
    assert "anna@example.org" not in body_new  # the new address learns nothing about the old one
    assert _address(app, people.anna.id) == "anna@example.org"  # nothing changes before the link is opened

    link = _link(body_new)
    # Opening the link (a mail scanner does too) only shows a button.
    confirm_page = laptop.get(link).get_data(as_text=True)
    assert "Confirm your new e-mail address" in confirm_page and "anna.neu@example.org" in confirm_page
    assert _address(app, people.anna.id) == "anna@example.org"
    response = laptop.post(link, data={})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert _address(app, people.anna.id) == "anna.neu@example.org"
    page = laptop.get("/account").get_data(as_text=True)
    assert "Your e-mail address is now anna.neu@example.org. Every other session of yours has ended." in page
    # The phone's session ended; the old address no longer logs in, the new one does.
    assert phone.get("/account").headers["Location"].startswith("/login")
    stranger = app.test_client()
    old = stranger.post("/login", data={"email": "anna@example.org", "password": "password-anna"})
    assert "E-mail address or password is wrong." in old.get_data(as_text=True)
    new = stranger.post("/login", data={"email": "anna.neu@example.org", "password": "password-anna"})
    assert new.status_code == 302
    # The link works once.
    again = app.test_client().post(link, data={}, follow_redirects=True)
    assert "This link has been used already or is no longer valid." in again.get_data(as_text=True)


def test_the_link_works_on_another_device_without_logging_in(site, login):
    app, people = site
    login(app, people.ben).post("/account/email", data={"email": "ben@neu.example", "current_password": "password-ben"})
    link = _link(_mails(app)[-2][2])
    elsewhere = app.test_client()
    response = elsewhere.post(link, data={}, follow_redirects=True)
    assert "Your e-mail address is now ben@neu.example. Please log in with it." in response.get_data(as_text=True)
    assert _address(app, people.ben.id) == "ben@neu.example"
    assert "Log out" not in response.get_data(as_text=True)


def test_wrong_password_same_address_and_bad_input_are_form_errors(site, login):
    app, people = site
    client = login(app, people.anna)
    before = len(_mails(app))
    wrong = client.post("/account/email", data={"email": "x@example.org", "current_password": "guess"})
    assert wrong.status_code == 400 and "This is not your current password." in wrong.get_data(as_text=True)
    same = client.post("/account/email", data={"email": "ANNA@example.org", "current_password": "password-anna"})
    assert "This is your current address already." in same.get_data(as_text=True)
    bad = client.post("/account/email", data={"email": "not an address", "current_password": "password-anna"})
    assert bad.status_code == 400 and "Invalid email address." in bad.get_data(as_text=True)
    assert len(_mails(app)) == before
    assert login(app).post("/account/email", data={"email": "x@example.org", "current_password": "x"}) \
        .headers["Location"].startswith("/login")


def test_a_taken_address_is_told_only_to_its_owner(site, login):
    app, people = site
    client = login(app, people.anna)
    response = client.post("/account/email", data={"email": "ben@example.org", "current_password": "password-anna"},
                           follow_redirects=True)
    assert "We have sent a link to ben@example.org" in response.get_data(as_text=True)  # the usual answer
    (to_ben, _subject, body_ben), (to_anna, _s, _b) = _mails(app)[-2:]
    assert to_ben == "ben@example.org" and "belongs to an account already" in body_ben
    assert "/account/email/" not in body_ben
    assert to_anna == "anna@example.org"


def test_the_link_expires_and_dies_with_a_new_password(site, login, clock):
    app, people = site
    client = login(app, people.anna)
    client.post("/account/email", data={"email": "anna@neu.example", "current_password": "password-anna"})
    link = _link(_mails(app)[-2][2])
    clock.advance(hours=25)
    expired = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "This link has expired. Please ask for the change again." in expired

    clock.advance(hours=-25)
    # The owner, warned by mail, chooses a new password: the pending change dies with the old one.
    client.post("/account", data={"change_password": "1", "current_password": "password-anna",
                                  "password": "a brand new password", "password_again": "a brand new password"})
    dead = client.post(link, data={}, follow_redirects=True).get_data(as_text=True)
    assert "This link has been used already or is no longer valid." in dead
    assert _address(app, people.anna.id) == "anna@example.org"
    broken = login(app).get(link[:-3] + "abc", follow_redirects=True).get_data(as_text=True)
    assert "This link is not valid." in broken


def test_an_address_taken_meanwhile_is_not_given_away(site, login):
    app, people = site
    login(app, people.anna).post("/account/email", data={"email": "cleo@example.org", "current_password": "password-anna"})
    link = _link(_mails(app)[-2][2])
    with app.app_context():
        from core.services import create_user

        create_user("cleo@example.org", "password-cleo", "Cleo")
        db.session.commit()
    page = login(app, people.anna).post(link, data={}, follow_redirects=True).get_data(as_text=True)
    assert "This address belongs to another account now" in page
    assert _address(app, people.anna.id) == "anna@example.org"
