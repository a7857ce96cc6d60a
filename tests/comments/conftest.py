"""Fixtures for the comments tests: an app with the comments plugin and the ``cnotes`` test commentable."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core.extensions import db
from core.services import add_phase, create_project
from tests.comments import notes_plugin
from tests.conftest import T0

START = T0 - timedelta(days=1)
END = T0 + timedelta(days=10)


@pytest.fixture
def capp(make_app):
    return make_app(plugins=["comments"], extra_plugins=[notes_plugin])


@pytest.fixture
def world(capp, users, project_with_phase):
    """Users, a project with an active discussion phase and a note; a second project with its own note."""
    people = users(capp)
    slug, _ = project_with_phase(capp, "discussion", start=START, end=END, people=people)
    with capp.app_context():
        from core.models import Project

        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        note = notes_plugin.CNote(project_id=project.id, title="Mehr Bäume am Marktplatz")
        other = create_project("other", "Other project")
        add_phase(other, "discussion", "Talk", START, END)
        other_note = notes_plugin.CNote(project_id=other.id, title="Elsewhere")
        db.session.add_all([note, other_note])
        db.session.commit()
        ids = SimpleNamespace(project=project.id, note=note.id, other_project=other.id, other_note=other_note.id)
    return SimpleNamespace(app=capp, people=people, slug=slug, ids=ids, note=ids.note,
                           thread=f"/comments/note/{ids.note}", page=f"/p/{slug}/cnotes/{ids.note}")


HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/p/city-plan/cnotes/1"}


def rows(app, **filters):
    """All comments (as model objects detached from the session) ordered by id."""
    from plugins.comments.models import Comment

    with app.app_context():
        query = db.select(Comment).order_by(Comment.id)
        for key, value in filters.items():
            query = query.where(getattr(Comment, key) == value)
        result = db.session.scalars(query).all()
        db.session.expunge_all()
        return result


def seed(app, world, author, text, *, parent=None, created_at=None, target=None):
    """Store a comment directly through the public ``add_comment`` helper; returns its id."""
    from core.models import User
    from plugins.comments.api import add_comment

    with app.app_context():
        note = db.session.get(notes_plugin.CNote, target or world.note)
        user = db.session.get(User, author.id)
        comment = add_comment("note", note.id, note.project, user, text, parent=parent, created_at=created_at)
        db.session.commit()
        return comment.id
