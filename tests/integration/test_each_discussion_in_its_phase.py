"""Several phase kinds grant ``comment.create``; each discussion still follows its own phase.

A city runs a commenting phase on its draft, then an idea phase in the same project.
After the commenting deadline the draft must stay closed (the brief: "nothing more
can be written"), although the idea phase, which also lets people comment, is open.

Times (T0 is 29 March 2026, 12:00 Europe/Berlin, where the clock starts):

- commenting phase: 19 March 2026, 11:00 – 28 March 2026, 11:00 (ended)
- ideas phase:      28 March 2026, 11:00 –  5 April 2026, 12:00 (open)

(11:00, not 12:00: summer time begins in the night before T0, and phases are a number of days of UTC.)
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from tests.conftest import T0

COMMENTING_END = IDEAS_START = T0 - timedelta(days=1)


@pytest.fixture
def city(make_app, users, project_with_phase):
    from core.models import Project
    from core.services import add_phase
    from plugins.commenting import services
    from plugins.ideas.models import Idea

    app = make_app(plugins=["comments", "commenting", "ideas"])
    people = users(app)
    slug, _phase = project_with_phase(app, "commenting", start=T0 - timedelta(days=10), end=COMMENTING_END,
                                      people=people, slug="strategie", title="Strategie")
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        add_phase(project, "ideas", "Ideen sammeln", IDEAS_START, T0 + timedelta(days=7))
        document = services.import_markdown(project, "# Entwurf\n\n## Ziele\n\nMehr Grün in der Stadt.\n")
        paragraph = services.paragraphs_of(services.chapters_of(document)[0])[0]
        idea = Idea(project_id=project.id, author_id=people.ben.id, title="Bänke am Fluss", description_text="Bitte")
        db.session.add(idea)
        db.session.commit()
        return dict(app=app, people=people, slug=slug, paragraph=paragraph.id, chapter=paragraph.chapter_id,
                    idea=idea.id)


def _comment_count(app) -> int:
    from plugins.comments.models import Comment

    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Comment.id)))


def test_the_draft_stays_closed_while_the_idea_phase_is_open(city, login):
    app, anna = city["app"], login(city["app"], city["people"].anna)
    # The idea phase lets people discuss ideas ...
    assert anna.post(f"/comments/idea/{city['idea']}", data={"text": "Gute Idee"}).status_code == 302
    assert _comment_count(app) == 1
    # ... but not the draft, whose commenting phase ended: refused with nothing stored, and said so.
    for target in (f"paragraph/{city['paragraph']}", f"chapter/{city['chapter']}"):
        response = anna.post(f"/comments/{target}", data={"text": "Zu spät"})
        assert response.status_code == 403
        assert "This was possible until 28 March 2026, 11:00" in response.get_data(as_text=True)
    assert _comment_count(app) == 1
    chapter_page = anna.get(f"/p/{city['slug']}/documents/chapter/{city['chapter']}").get_data(as_text=True)
    assert "This was possible until 28 March 2026, 11:00. Now the phase “Ideen sammeln” is open." in chapter_page
    thread = anna.get(f"/comments/paragraph/{city['paragraph']}").get_data(as_text=True)
    assert "Publish comment" not in thread and "This was possible until 28 March 2026, 11:00" in thread
    # Agreeing with an old comment on the draft is closed too.
    from plugins.comments.models import Vote
    from plugins.comments.services import new_comment

    with app.app_context():
        from core.models import Project, User

        project = db.session.scalar(db.select(Project).where(Project.slug == city["slug"]))
        old = new_comment("paragraph", city["paragraph"], project, db.session.get(User, city["people"].ben.id),
                          "Aus der Kommentarphase", created_at=T0 - timedelta(days=3))
        db.session.commit()
        old_id = old.id
    assert anna.post(f"/comments/c/{old_id}/vote", data={"value": "agree"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Vote.id)).where(Vote.comment_id == old_id)) == 0


def test_ideas_are_not_discussed_in_a_later_commenting_phase(make_app, users, project_with_phase, login):
    from core.models import Project
    from core.services import add_phase
    from plugins.ideas.models import Idea

    app = make_app(plugins=["comments", "commenting", "ideas"])
    people = users(app)
    slug, _phase = project_with_phase(app, "ideas", start=T0 - timedelta(days=10), end=T0 - timedelta(days=1),
                                      people=people)
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        add_phase(project, "commenting", "Entwurf kommentieren", T0 - timedelta(days=1), T0 + timedelta(days=7))
        idea = Idea(project_id=project.id, author_id=people.ben.id, title="Bänke am Fluss", description_text="Bitte")
        db.session.add(idea)
        db.session.commit()
        idea_id = idea.id
    anna = login(app, people.anna)
    response = anna.post(f"/comments/idea/{idea_id}", data={"text": "Zu spät"})
    assert response.status_code == 403 and "Now the phase “Entwurf kommentieren” is open." in response.get_data(as_text=True)
    assert _comment_count(app) == 0
