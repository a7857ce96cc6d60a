"""Initiators manage their project in the browser; nobody else can."""
from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Phase, Project, ProjectRole
from tests.conftest import T0
from tests.core import notes_plugin


@pytest.fixture
def setup(make_app, users, project_with_phase):
    app = make_app(plugins=[], extra_plugins=[notes_plugin])
    people = users(app)
    slug, phase_id = project_with_phase(app, "notes", start=T0, end=T0 + timedelta(days=5), people=people)
    return app, people, slug, phase_id


def _phases(app):
    with app.app_context():
        return [(p.title, p.position) for p in db.session.scalars(db.select(Phase).order_by(Phase.position))]


PHASE = {"kind": "notes", "title": "Second round", "description": "<p>Again</p>", "start": "2026-04-10T00:00", "end": "2026-04-20T23:59", "s_notes_max_notes": "5"}


def test_only_initiators_and_admins_reach_management(setup, login):
    app, people, slug, _ = setup
    assert login(app, people.initiator).get(f"/p/{slug}/manage").status_code == 200
    assert login(app, people.admin).get(f"/p/{slug}/manage").status_code == 200
    for person in (people.moderator, people.anna):
        client = login(app, person)
        assert client.get(f"/p/{slug}/manage").status_code == 403
        assert client.post(f"/p/{slug}/manage/phases/new", data=dict(PHASE)).status_code == 403
    assert _phases(app) == [("notes phase", 0)]
    anonymous = app.test_client().get(f"/p/{slug}/manage")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_edit_project_details(setup, login):
    app, people, slug, _ = setup
    client = login(app, people.initiator)
    response = client.post(f"/p/{slug}/manage", data={"title": "Radverkehr", "slug": "rad", "description": "<p>Neu</p><script>x</script>", "is_public": "y"})
    assert response.headers["Location"] == "/p/rad/manage"
    page = client.get("/p/rad").get_data(as_text=True)
    assert "Radverkehr" in page and "<p>Neu</p>" in page and "<script>x" not in page


def test_invalid_project_edit_keeps_input_and_saves_nothing(setup, login):
    app, people, slug, _ = setup
    response = login(app, people.initiator).post(f"/p/{slug}/manage", data={"title": "Neu", "slug": "Not Valid!", "description": ""})
    assert response.status_code == 400
    assert "Use lower-case letters, digits and hyphens only." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Project.title)) == "City plan"


def test_add_edit_reorder_and_delete_phases(setup, login):
    app, people, slug, phase_id = setup
    client = login(app, people.initiator)
    assert client.post(f"/p/{slug}/manage/phases/new", data=dict(PHASE)).status_code == 302
    assert _phases(app) == [("notes phase", 0), ("Second round", 1)]
    with app.app_context():
        second = db.session.scalar(db.select(Phase).where(Phase.title == "Second round"))
        # Typed in Berlin time (CEST from 29 March): stored as UTC.
        assert second.start.isoformat() == "2026-04-09T22:00:00+00:00"
        assert second.settings == {"max_notes": 5}
        second_id = second.id
    form = client.get(f"/p/{slug}/manage/phases/{second_id}").get_data(as_text=True)
    assert 'value="2026-04-10T00:00"' in form and 'value="5"' in form

    client.post(f"/p/{slug}/manage/phases/{second_id}/move/up")
    assert _phases(app) == [("Second round", 0), ("notes phase", 1)]
    client.post(f"/p/{slug}/manage/phases/{second_id}", data=dict(PHASE, title="Zweite Runde"))
    assert _phases(app)[0] == ("Zweite Runde", 0)
    client.post(f"/p/{slug}/manage/phases/{phase_id}/delete")
    assert _phases(app) == [("Zweite Runde", 0)]


def test_phase_end_before_start_is_refused(setup, login):
    app, people, slug, _ = setup
    response = login(app, people.initiator).post(f"/p/{slug}/manage/phases/new", data=dict(PHASE, end="2026-04-01T00:00"))
    assert response.status_code == 400
    assert "The end must be after the start." in response.get_data(as_text=True)
    assert 'value="Second round"' in response.get_data(as_text=True)
    assert len(_phases(app)) == 1


def test_phase_of_another_project_is_not_found(setup, login, project_with_phase):
    app, people, slug, _ = setup
    _, other_phase = project_with_phase(app, "notes", start=T0, end=T0 + timedelta(days=1), slug="other")
    assert login(app, people.initiator).post(f"/p/{slug}/manage/phases/{other_phase}/delete").status_code == 404


def test_manage_moderators_and_members(setup, login):
    app, people, slug, _ = setup
    client = login(app, people.initiator)
    client.post(f"/p/{slug}/manage/members", data={"email": "ben@example.org", "role": "moderator"})
    unknown = client.post(f"/p/{slug}/manage/members", data={"email": "ghost@example.org", "role": "moderator"}, follow_redirects=True)
    assert "No registered user has this e-mail address." in unknown.get_data(as_text=True)
    page = client.get(f"/p/{slug}/manage").get_data(as_text=True)
    assert "Ben (ben@example.org) – Moderator" in page
    with app.app_context():
        entry = db.session.scalar(db.select(ProjectRole).where(ProjectRole.user_id == people.ben.id))
        entry_id = entry.id
    client.post(f"/p/{slug}/manage/members/{entry_id}/delete")
    assert "Ben (ben@example.org)" not in client.get(f"/p/{slug}/manage").get_data(as_text=True)


def test_admin_creates_projects_others_cannot(make_app, users, login):
    app = make_app(plugins=[])
    people = users(app)
    assert login(app, people.anna).post("/admin/projects/new", data={"title": "X", "slug": "x"}).status_code == 403
    client = login(app, people.admin)
    assert client.post("/admin/projects/new", data={"title": "X", "slug": "x", "is_public": "y"}).status_code == 302
    taken = client.post("/admin/projects/new", data={"title": "Y", "slug": "x"})
    assert "This short name is taken." in taken.get_data(as_text=True)


def test_home_groups_projects_by_state(setup, clock, project_with_phase):
    app, _people, _slug, _ = setup
    project_with_phase(app, "notes", start=T0 + timedelta(days=3), end=T0 + timedelta(days=9), slug="soon", title="Soon project")
    project_with_phase(app, "notes", start=T0 - timedelta(days=9), end=T0 - timedelta(days=3), slug="past", title="Past project")
    page = app.test_client().get("/").get_data(as_text=True)
    active, rest = page.split('id="h-upcoming"')
    upcoming, ended = rest.split('id="h-ended"')
    assert "City plan" in active and "Soon project" in upcoming and "Past project" in ended
    assert "Starts on 1 April 2026, 12:00" in upcoming
    assert "Ended on 26 March 2026, 11:00" in ended  # CET before the switch to summer time
