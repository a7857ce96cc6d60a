"""Fixtures for the voting tests: an app with voting and the tiny ``things`` test plugin."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core.extensions import db
from tests.conftest import T0
from tests.voting import things_plugin

START = T0 - timedelta(days=1)
END = T0 + timedelta(days=10)


@pytest.fixture
def rating(make_app, users, project_with_phase):
    """``rating(mode=, max_votes=, start=, end=, plugins=)`` → namespace with app, people, slug, phase_id, things."""

    def build(mode="support", max_votes=0, start=START, end=END, plugins=("voting",), titles=("Benches", "Trees", "Lights", "Toilets")):
        app = make_app(plugins=list(plugins), extra_plugins=[things_plugin])
        people = users(app)
        settings = {"mode": mode, "max_votes": max_votes} if "voting" in plugins else {}
        kind = "rating" if "voting" in plugins else None
        if kind:
            slug, phase_id = project_with_phase(app, kind, start=start, end=end, people=people, **settings)
        else:
            from core.services import create_project

            with app.app_context():
                project = create_project("city-plan", "City plan")
                db.session.commit()
            slug, phase_id = "city-plan", None
        with app.app_context():
            from core.models import Project

            project = db.session.scalar(db.select(Project).where(Project.slug == slug))
            things = [things_plugin.Thing(project_id=project.id, title=t) for t in titles]
            db.session.add_all(things)
            db.session.commit()
            ids = [t.id for t in things]
        return SimpleNamespace(app=app, people=people, slug=slug, phase_id=phase_id, things=ids)

    return build


def votes(app):
    """All stored votes as sorted (item_id, user_id, value) tuples."""
    from plugins.voting.models import Vote

    with app.app_context():
        return sorted(tuple(row) for row in db.session.execute(db.select(Vote.item_id, Vote.user_id, Vote.value)))

