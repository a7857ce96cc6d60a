"""Fixtures for the ideas tests: an app with comments + ideas, a project with an ideas phase, ideas."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core.extensions import db
from tests.conftest import T0


@pytest.fixture
def ideas_app(make_app):
    return make_app(plugins=["comments", "ideas"])


@pytest.fixture
def setup_ideas(users, project_with_phase):
    """``setup_ideas(app, categories=[...], start=, end=, is_public=)`` → namespace with people, slug, ids."""

    def factory(app, *, categories=("Grün", "Verkehr"), start=None, end=None, is_public=True, slug="kiez"):
        from plugins.ideas.models import Category

        people = users(app)
        start = start or T0 - timedelta(days=1)
        end = end or T0 + timedelta(days=10)
        slug, phase_id = project_with_phase(app, "ideas", start=start, end=end, people=people, slug=slug,
                                            title="Kiezfonds", is_public=is_public)
        with app.app_context():
            from core.models import Project

            project = db.session.scalar(db.select(Project).where(Project.slug == slug))
            cats = [Category(project_id=project.id, name=name, position=i) for i, name in enumerate(categories)]
            db.session.add_all(cats)
            db.session.commit()
            cat_ids = {c.name: c.id for c in cats}
            project_id = project.id
        return SimpleNamespace(people=people, slug=slug, phase_id=phase_id, project_id=project_id,
                               categories=cat_ids, start=start, end=end)

    return factory


def make_idea(app, ctx, author, title, description="Beschreibung", category=None, *, location="", created_at=None,
              hidden_reason=None):
    """Store an idea directly (no HTTP); returns its id."""
    from plugins.ideas.models import Idea

    with app.app_context():
        idea = Idea(project_id=ctx.project_id, author_id=author.id,
                    category_id=ctx.categories.get(category) if category else None,
                    created_at=created_at or T0)
        idea.set_content(title, description, location)
        if hidden_reason:
            idea.hidden_at = T0
            idea.hidden_reason = hidden_reason
        db.session.add(idea)
        db.session.commit()
        return idea.id


def get_idea(app, idea_id):
    from plugins.ideas.models import Idea

    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        if idea is not None:
            db.session.expunge(idea)
        return idea


def all_titles(app):
    from plugins.ideas.models import Idea

    with app.app_context():
        return db.session.scalars(db.select(Idea.title).order_by(Idea.id)).all()

