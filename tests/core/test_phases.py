"""Phase boundaries decide what may be written, server-side, with dated messages."""
from datetime import timedelta

import pytest

from core.extensions import db
from tests.conftest import T0
from tests.core import notes_plugin


@pytest.fixture
def notes_app(make_app):
    return make_app(plugins=[], extra_plugins=[notes_plugin])


def _setup(notes_app, users, project_with_phase):
    people = users(notes_app)
    start = T0 + timedelta(days=1)
    end = T0 + timedelta(days=13)
    slug, _ = project_with_phase(notes_app, "notes", start=start, end=end, people=people)
    return people, slug, start, end


def _notes(app):
    with app.app_context():
        return db.session.scalars(db.select(notes_plugin.Note.text)).all()


@pytest.mark.parametrize(
    ("offset", "allowed"),
    [(-1, False), (0, True), (60 * 60 * 24 * 12 - 1, True), (60 * 60 * 24 * 12, False), (60 * 60 * 24 * 13, False)],
    ids=["second before start", "at start", "last second", "at end", "after end"],
)
def test_writes_follow_the_phase_boundaries(notes_app, users, login, clock, project_with_phase, offset, allowed):
    people, slug, start, _end = _setup(notes_app, users, project_with_phase)
    clock.set(start + timedelta(seconds=offset))
    client = login(notes_app, people.anna)
    response = client.post(f"/p/{slug}/notes", data={"text": "Mehr Bäume"})
    assert (response.status_code == 302) is allowed
    assert _notes(notes_app) == (["Mehr Bäume"] if allowed else [])


def test_before_start_the_refusal_says_when_participation_starts(notes_app, users, login, clock, project_with_phase):
    people, slug, start, _ = _setup(notes_app, users, project_with_phase)
    response = login(notes_app, people.anna).post(f"/p/{slug}/notes", data={"text": "early"})
    assert response.status_code == 403
    # 1 day after T0 (10:00 UTC) is 12:00 in Berlin (summer time from 29 March 2026).
    assert "Participation starts on 30 March 2026, 12:00." in response.get_data(as_text=True)


def test_after_end_the_refusal_says_when_participation_ended_in_german(notes_app, users, login, clock, project_with_phase):
    people, slug, _, end = _setup(notes_app, users, project_with_phase)
    clock.set(end + timedelta(hours=1))
    client = login(notes_app, people.anna)
    response = client.post(f"/p/{slug}/notes", data={"text": "late"}, headers={"Accept-Language": "de"})
    assert response.status_code == 403
    assert "Die Beteiligung endete am 11. April 2026, 12:00 Uhr." in response.get_data(as_text=True)
    assert _notes(notes_app) == []


def test_project_page_shows_state_and_dates_of_each_phase(notes_app, users, login, clock, project_with_phase):
    people, slug, start, end = _setup(notes_app, users, project_with_phase)
    page = notes_app.test_client().get(f"/p/{slug}").get_data(as_text=True)
    assert "Upcoming" in page and "Participation starts on 30 March 2026, 12:00." in page
    clock.set(start)
    page = notes_app.test_client().get(f"/p/{slug}").get_data(as_text=True)
    assert "Open now" in page and "Open until 11 April 2026, 12:00." in page
    clock.set(end)
    page = notes_app.test_client().get(f"/p/{slug}").get_data(as_text=True)
    assert "Ended" in page and "Participation ended on 11 April 2026, 12:00." in page


def test_anonymous_write_is_sent_to_login_and_stores_nothing(notes_app, users, clock, project_with_phase):
    _people, slug, start, _ = _setup(notes_app, users, project_with_phase)
    clock.set(start)
    response = notes_app.test_client().post(f"/p/{slug}/notes", data={"text": "anon"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _notes(notes_app) == []


def test_a_plugin_veto_denies_even_in_an_active_phase(notes_app, users, login, clock, project_with_phase):
    people, slug, start, _ = _setup(notes_app, users, project_with_phase)
    clock.set(start)
    with notes_app.app_context():
        from core.models import User

        db.session.get(User, people.ben.id).display_name = "Mallory"
        db.session.commit()
    assert login(notes_app, people.ben).post(f"/p/{slug}/notes", data={"text": "x"}).status_code == 403
    assert login(notes_app, people.anna).post(f"/p/{slug}/notes", data={"text": "y"}).status_code == 302
    assert _notes(notes_app) == ["y"]


def test_while_a_later_phase_is_open_the_refusal_names_it(notes_app, users, login, clock, project_with_phase):
    people, slug, _, end = _setup(notes_app, users, project_with_phase)
    with notes_app.app_context():
        from core.models import Project
        from core.services import add_phase

        project = db.session.scalar(db.select(Project))
        add_phase(project, "review", "Notes are reviewed", end, end + timedelta(days=7))
        db.session.commit()
    clock.set(end + timedelta(hours=1))
    response = login(notes_app, people.anna).post(f"/p/{slug}/notes", data={"text": "late"})
    assert response.status_code == 403
    assert "This was possible until 11 April 2026, 12:00. Now the phase “Notes are reviewed” is open." in response.get_data(as_text=True)


def test_anonymous_notice_offers_login_and_registration(notes_app, project_with_phase, clock):
    from flask import render_template_string

    from core.policy import can

    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0 + timedelta(days=3))
    with notes_app.test_request_context(f"/p/{slug}", headers={"Accept-Language": "de"}):
        from core.models import Project

        project = db.session.scalar(db.select(Project))
        from flask_login import AnonymousUserMixin

        decision = can(AnonymousUserMixin(), "note.create", project)
        html = render_template_string('{% from "macros/phases.html" import participation_notice %}{{ participation_notice(d) }}', d=decision)
    text = " ".join(html.split())
    assert '>Anmelden</a> oder <a href="/register?next=/p/city-plan">registrieren</a>, um teilzunehmen.' in text
