"""Every notification kind of comments and voting reaches the right people, and nobody else.

Through the HTTP test client as participants and moderators use the site: the
author of an event is never told of it, and every kind lands in exactly the
inboxes it is meant for.
"""
from __future__ import annotations

import re

from core.extensions import db
from core.notifications.models import Delivery, Notification
from tests.integration.conftest import RATING_START, submit_idea, support


def _told(app) -> list[tuple[str, int]]:
    """(kind, recipient id) of every notification, oldest first."""
    with app.app_context():
        rows = db.session.execute(db.select(Notification.kind, Notification.recipient_id).order_by(Notification.id))
        return [tuple(row) for row in rows]


def _post_comment(client, target_type, target_id, text, parent_id=None):
    data = {"text": text}
    if parent_id:
        data["parent_id"] = str(parent_id)
    response = client.post(f"/comments/{target_type}/{target_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"#comment-(\d+)", response.headers["Location"]).group(1))


def test_comments_and_support_tell_the_owner_the_replied_to_and_the_moderators(kiez, login, clock):
    k = kiez()
    people = k.people
    anna, ben = login(k.app, people.anna), login(k.app, people.ben)
    moderator = login(k.app, people.moderator)
    idea = submit_idea(anna, k, "Mehr Bäume")
    assert _told(k.app) == []

    # Ben comments on Anna's idea: Anna is told, Ben is not.
    bens = _post_comment(ben, "idea", idea, "Gute Idee, am Markt?")
    assert _told(k.app) == [("comments.on_my_item", people.anna.id)]

    # Anna replies on her own idea: Ben hears of the reply; Anna is the actor and hears nothing.
    _post_comment(anna, "idea", idea, "Ja, am Markt.", parent_id=bens)
    assert _told(k.app)[1:] == [("comments.reply", people.ben.id)]

    # A third person replies to Ben: Ben (reply) and Anna (her idea) are told, once each.
    _post_comment(moderator, "idea", idea, "Und an der Schule?", parent_id=bens)
    assert sorted(_told(k.app)[2:]) == sorted([("comments.reply", people.ben.id),
                                               ("comments.on_my_item", people.anna.id)])

    # Ben reports Anna's comment: the moderator and the initiator are told, not Ben, not Anna.
    annas = _post_comment(anna, "idea", idea, "Noch ein Gedanke")
    before = len(_told(k.app))
    assert ben.post(f"/comments/c/{annas}/report", data={"reason": "spam", "text": ""}).status_code in (200, 302)
    assert sorted(_told(k.app)[before:]) == sorted([("comments.report", people.moderator.id),
                                                    ("comments.report", people.initiator.id)])

    # The moderator hides Ben's comment with a reason and remarks on it: Ben is told at once, twice.
    before = len(_told(k.app))
    assert moderator.post(f"/comments/c/{bens}/hide", data={"reason": "Werbung"}).status_code in (200, 302)
    assert moderator.post(f"/comments/c/{bens}/remark", data={"remark": "Bitte sachlich bleiben."}).status_code in (200, 302)
    assert _told(k.app)[before:] == [("comments.moderated", people.ben.id)] * 2
    with k.app.app_context():
        moderated = db.session.scalars(db.select(Notification).where(Notification.kind == "comments.moderated")).all()
        assert {n.email for n in moderated} == {"immediate"}
        assert db.session.scalar(db.select(db.func.count(Delivery.id))) == 2  # immediate: in the outbox
    inbox = login(k.app, people.ben).get("/notifications").get_data(as_text=True)
    assert "A moderator hid your comment “Gute Idee, am Markt?”. Reason: Werbung" in inbox
    assert "A moderator added a remark to your comment “Gute Idee, am Markt?”: Bitte sachlich bleiben." in inbox

    # Rating phase: Ben supports Anna's idea; Anna is told, without Ben's name; a repeated click tells nobody.
    clock.set(RATING_START)
    before = len(_told(k.app))
    assert support(ben, idea).status_code in (200, 302)
    assert support(ben, idea).status_code in (200, 302)
    assert support(anna, idea).status_code in (200, 302)  # her own support: nobody to tell
    assert _told(k.app)[before:] == [("voting.support", people.anna.id)]
    page = login(k.app, people.anna).get("/notifications").get_data(as_text=True)
    line = next(line for line in page.splitlines() if "supports your contribution" in line)
    assert "Someone supports your contribution “Mehr Bäume”." in line and "Ben" not in line


def test_the_author_hears_when_the_moderators_hide_or_restore_their_idea(kiez, login):
    k = kiez()
    people = k.people
    idea = submit_idea(login(k.app, people.anna), k, "Parkhaus statt Park")
    moderator = login(k.app, people.moderator)
    assert moderator.post(f"/p/{k.slug}/ideas/{idea}/hide", data={"reason": "Kein Bezug zum Kiez"}).status_code == 302
    assert moderator.post(f"/p/{k.slug}/ideas/{idea}/restore", data={}).status_code == 302
    assert _told(k.app) == [("ideas.moderated", people.anna.id)] * 2
    page = login(k.app, people.anna).get("/notifications").get_data(as_text=True)
    assert "The moderators hid your idea “Parkhaus statt Park”. Reason: Kein Bezug zum Kiez" in page
    assert "The moderators made your idea “Parkhaus statt Park” visible again." in page
    with k.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Delivery.id))) == 2  # at once, by default
