"""Staff see at a glance which projects the public cannot (yet) take part in: "Private" and "Draft" badges."""
from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from tests.conftest import T0


def _world(make_app, users, project_with_phase):
    from core.models import User
    from core.services import create_project, grant_role

    app = make_app(plugins=["comments", "commenting"])
    people = users(app)
    project_with_phase(app, "commenting", start=T0 - timedelta(days=1), end=T0 + timedelta(days=9), people=people,
                       slug="hidden-plan", title="Hidden plan", is_public=False)
    with app.app_context():
        draft = create_project("draft-plan", "Draft plan", "<p>Soon.</p>")
        grant_role(draft, db.session.get(User, people.initiator.id), "initiator")
        db.session.commit()
    return app, people


def test_staff_see_private_and_draft_badges_in_words(make_app, users, project_with_phase, login):
    app, people = _world(make_app, users, project_with_phase)
    initiator = login(app, people.initiator)
    home = initiator.get("/").get_data(as_text=True)
    assert 'class="badge badge-private"' in home and ">Private</span>" in home
    assert 'class="badge badge-draft"' in home and ">Draft</span>" in home
    assert 'badge-draft' in initiator.get("/p/draft-plan").get_data(as_text=True)
    assert 'badge-private' in initiator.get("/p/hidden-plan").get_data(as_text=True)
    assert 'badge-draft' in initiator.get("/p/draft-plan/manage").get_data(as_text=True)
    german = initiator.get("/", headers={"Accept-Language": "de"})
    page = login(app, people.admin).get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert ">Privat</span>" in page and ">Entwurf</span>" in page and german.status_code == 200


def test_visitors_see_no_draft_badge_and_no_private_project(make_app, users, project_with_phase, login):
    app, people = _world(make_app, users, project_with_phase)
    for client in (login(app, people.anna), login(app)):
        home = client.get("/").get_data(as_text=True)
        assert "Draft plan" in home and "badge-draft" not in home
        assert "Hidden plan" not in home and "badge-private" not in home
