"""A consultation that has ended, ready to be answered: a draft with a discussed paragraph, and ideas.

``answered_site`` gives ``(app, world)``: ``world.users`` (admin, initiator,
moderator, anna, ben and ``editor``, appointed editor of the project; ``other``
is editor of another project), ``world.slug``, and the items' ids:
``world.paragraph``, ``world.comment`` (Ben's, on the paragraph), ``world.idea``
(Anna's) and ``world.idea2`` (Ben's).
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core.extensions import db
from core.testing import T0

PLUGINS = ["comments", "commenting", "ideas", "responses"]
DRAFT = "# Plan\n\n## Netz\n\nEin Hauptnetz verbindet alle Stadtteile.\n\nLücken werden bis 2027 geschlossen.\n"


@pytest.fixture
def answered_site(make_app, users, clock):
    from core.models import User
    from core.services import add_phase, create_project, create_user, grant_role
    from plugins.commenting import services as commenting
    from plugins.comments.api import add_comment
    from plugins.ideas.models import Idea

    app = make_app(plugins=PLUGINS, default_locale="en")
    people = users(app)
    with app.app_context():
        user = lambda key: db.session.get(User, getattr(people, key).id)  # noqa: E731
        editor = create_user("editor@example.org", "password-editor", "Erika Editor")
        other = create_user("other@example.org", "password-other", "Otto Elsewhere")
        project = create_project("rad", "Radplan", organisation="Stadt Beispielstadt, Amt für Verkehr",
                                 initiator=user("initiator"))
        grant_role(project, user("moderator"), "moderator")
        grant_role(project, editor, "editor")
        elsewhere = create_project("anderswo", "Anderswo")
        grant_role(elsewhere, other, "editor")
        add_phase(project, "commenting", "Kommentierung", T0 - timedelta(days=20), T0 - timedelta(days=10))
        add_phase(project, "ideas", "Ideen", T0 - timedelta(days=20), T0 - timedelta(days=10))
        document = commenting.import_markdown(project, DRAFT)
        paragraph = commenting.paragraphs_of(commenting.chapters_of(document)[0])[0]
        comment = add_comment("paragraph", paragraph.id, project, user("ben"), "Der Bahnhofsring zuerst!")
        idea = Idea(project_id=project.id, project=project, author_id=people.anna.id)
        idea.set_content("Mehr Fahrradbügel", "Zehn Bügel vor dem Ärztehaus.")
        idea2 = Idea(project_id=project.id, project=project, author_id=people.ben.id)
        idea2.set_content("Sichere Querung", "Eine Mittelinsel an der Lindenstraße.")
        db.session.add_all([idea, idea2])
        db.session.commit()
        people.editor = SimpleNamespace(id=editor.id, email=editor.email, name=editor.display_name)
        people.other = SimpleNamespace(id=other.id, email=other.email, name=other.display_name)
        world = SimpleNamespace(users=people, slug="rad", paragraph=paragraph.id, comment=comment.id, idea=idea.id,
                                idea2=idea2.id)
    return app, world


def response_url(world, item_type: str, item_id: int, suffix: str = "") -> str:
    return f"/p/{world.slug}/responses/{item_type}/{item_id}{suffix}"


def stored_responses(app) -> list:
    from plugins.responses.models import Response

    with app.app_context():
        return [(r.item_type, r.item_id, r.text_html, r.author_id)
                for r in db.session.scalars(db.select(Response).order_by(Response.id))]
