"""Fixtures for the commenting plugin's tests: an app with comments + commenting and a draft document."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.extensions import db
from tests.conftest import T0

FIXTURES = Path(__file__).parent / "fixtures"

DRAFT = """# Klimastrategie 2030

Einleitung vor dem ersten Kapitel.

## Ausgangslage

Erster Absatz über die Lage.

- Gebäude
- Verkehr

Dritter Absatz mit *Betonung*.

## Maßnahmen

Mehr Radwege.

Mehr Bäume.
"""


@pytest.fixture
def capp(make_app):
    """The app with the comments and commenting plugins."""
    return make_app(plugins=["comments", "commenting"])


@pytest.fixture
def draft(capp, users, project_with_phase):
    """A project with an active 12-day commenting phase (from T0 - 1 day) and the DRAFT document imported."""
    from core.models import Project
    from plugins.commenting import services

    people = users(capp)
    start = T0 - timedelta(days=1)
    end = start + timedelta(days=12)
    slug, phase_id = project_with_phase(capp, "commenting", start=start, end=end, people=people)
    with capp.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        document = services.import_markdown(project, DRAFT)
        db.session.commit()
        chapters = services.chapters_of(document)
        paragraphs = {c.id: [p.id for p in services.paragraphs_of(c)] for c in chapters}
        return SimpleNamespace(
            app=capp, people=people, slug=slug, phase_id=phase_id, start=start, end=end, project_id=project.id,
            document_id=document.id, chapter_ids=[c.id for c in chapters],
            paragraph_ids=[pid for c in chapters for pid in paragraphs[c.id]], paragraphs=paragraphs,
        )


def add_comments(app, project_id, target_type, target_id, n, author_id, text="Kommentar"):
    """Add ``n`` comments through the comments plugin's API (as the demo does)."""
    from core.models import Project, User
    from plugins.comments import api as discussion

    with app.app_context():
        project = db.session.get(Project, project_id)
        author = db.session.get(User, author_id)
        made = [discussion.add_comment(target_type, target_id, project, author, f"{text} {i}") for i in range(n)]
        db.session.commit()
        return [c.id for c in made]


def discussed_chapter(app, people, project_with_phase, n, slug):
    """A project ``slug`` whose draft's middle chapter has ``n`` paragraphs, each discussed, and 5 comments of its own; its id."""
    from core.models import Project, User
    from plugins.commenting import services
    from plugins.comments import api as discussion

    project_with_phase(app, "commenting", start=T0 - timedelta(days=1), end=T0 + timedelta(days=5), people=people,
                       slug=slug, title=slug)
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        anna, ben = db.session.get(User, people.anna.id), db.session.get(User, people.ben.id)
        document = services.create_document(project, "Entwurf")
        other = services.add_chapter(document, "Vorher")
        chapter = services.add_chapter(document, "Kapitel")
        services.add_chapter(document, "Nachher")
        services.add_paragraph(other, "<p>x</p>")
        for i in range(n):
            paragraph = services.add_paragraph(chapter, f"<p>Absatz {i}</p><ul><li>a</li></ul>")
            first = discussion.add_comment("paragraph", paragraph.id, project, anna, f"Kommentar {i}")
            discussion.add_comment("paragraph", paragraph.id, project, ben, "Antwort", parent=first)
            if i % 3 == 0:
                discussion.add_comment("paragraph", paragraph.id, project, ben, "Noch einer")
        for i in range(5):
            discussion.add_comment("chapter", chapter.id, project, anna, f"Zum Kapitel {i}")
        db.session.commit()
        return chapter.id
