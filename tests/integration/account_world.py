"""A person who has taken part in every way the built-in plugins offer, for the account tests.

Zora Quellenberg (a name found nowhere else) submits an idea, comments on
Ben's idea, replies to Ben's comment on hers, agrees with a comment, reports
one, answers a poll (a choice and a free text) and, once the rating phase
opens, supports two ideas. Everything goes through the HTTP client.
"""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from core.extensions import db
from tests.integration.conftest import RATING_START, submit_idea, support

NAME = "Zora Quellenberg"
EMAIL = "zora.quellenberg@example.org"
PASSWORD = "password-zora-q"


def comment(client, target_type: str, target_id: int, text: str, parent: int | None = None) -> None:
    """Post a comment (or a reply) as a participant does."""
    data = {"text": text, "token": str(uuid.uuid4())}
    if parent:
        data["parent_id"] = str(parent)
    response = client.post(f"/comments/{target_type}/{target_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def newest_comment(app, author_id: int) -> int:
    from plugins.comments.models import Comment

    with app.app_context():
        return db.session.scalar(db.select(Comment.id).where(Comment.author_id == author_id).order_by(Comment.id.desc()))


def build(kiez, login, clock, *, plugins=("comments", "commenting", "ideas", "voting"), poll=True):
    """The world: ``kiez`` project (ideas now, rating later), an ``umfrage`` poll, Zora's contributions everywhere."""
    from core.models import Project
    from core.services import add_phase, create_project, create_user
    from plugins.voting.models import Option, Poll, Question
    from tests.integration.conftest import IDEAS_START, RATING_END

    k = kiez(plugins=list(plugins))
    app = k.app
    with app.app_context():
        zora = create_user(EMAIL, PASSWORD, NAME)
        survey = create_project("umfrage", "Umfrage Stadtpark", "")
        add_phase(survey, "poll", "Umfrage", IDEAS_START, RATING_END)
        poll_row = Poll(project_id=survey.id, title="Wie soll der Stadtpark werden?", intro="")
        single = Question(poll=poll_row, position=0, kind=Question.SINGLE, required=True, text="Mehr Schatten?")
        single.options = [Option(text="Ja", position=0), Option(text="Nein", position=1)]
        free = Question(poll=poll_row, position=1, kind=Question.TEXT, required=False, text="Was noch?")
        db.session.add(poll_row)
        db.session.commit()
        ids = SimpleNamespace(zora=zora.id, yes=single.options[0].id, single=single.id, free=free.id,
                              survey=survey.id, kiez=db.session.scalar(db.select(Project.id).where(Project.slug == k.slug)))
    people = SimpleNamespace(**vars(k.people), zora=SimpleNamespace(id=ids.zora, email=EMAIL, name=NAME))
    zora_client, ben = login(app, people.zora), login(app, people.ben)

    own_idea = submit_idea(zora_client, k, "Trinkbrunnen am Markt", description="Im Sommer fehlt Wasser.",
                           location="Marktplatz")
    bens_idea = submit_idea(ben, k, "Bänke am Kanal")
    comment(zora_client, "idea", bens_idea, "Gute Idee, besonders für Ältere.")
    zora_comment = newest_comment(app, ids.zora)
    comment(ben, "idea", own_idea, "Wer wartet den Brunnen?")
    bens_comment = newest_comment(app, people.ben.id)
    comment(zora_client, "idea", own_idea, "Die Stadtwerke haben zugesagt.", parent=bens_comment)
    zora_reply = newest_comment(app, ids.zora)
    assert zora_client.post(f"/comments/c/{bens_comment}/vote", data={"value": "agree"}).status_code in (200, 302)
    assert ben.post(f"/comments/c/{zora_comment}/vote", data={"value": "agree"}).status_code in (200, 302)
    assert zora_client.post(f"/comments/c/{bens_comment}/report",
                            data={"reason": "other", "text": "Bitte prüfen"}).status_code in (200, 302)
    if poll:
        answered = zora_client.post("/p/umfrage/poll", data={f"q{ids.single}": str(ids.yes),
                                                            f"q{ids.free}": "Ich wohne direkt am Park."})
        assert answered.status_code == 302, answered.get_data(as_text=True)
        assert ben.post("/p/umfrage/poll", data={f"q{ids.single}": str(ids.yes)}).status_code == 302
    clock.set(RATING_START)
    assert support(zora_client, bens_idea).status_code == 302
    assert support(zora_client, own_idea).status_code == 302
    assert support(ben, own_idea).status_code == 302
    return SimpleNamespace(app=app, k=k, people=people, ids=ids, zora=zora_client, ben=ben, own_idea=own_idea,
                           bens_idea=bens_idea, zora_comment=zora_comment, bens_comment=bens_comment,
                           zora_reply=zora_reply)
