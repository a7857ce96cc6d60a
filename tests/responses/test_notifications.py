"""The contributor is told of the first official response, as their notification settings say."""
from __future__ import annotations

from core.extensions import db
from tests.responses.conftest import response_url


def _notifications(app, user_id):
    from core.notifications.models import Notification

    with app.app_context():
        return [(n.kind, n.item_type, n.item_id, n.email) for n in db.session.scalars(
            db.select(Notification).where(Notification.recipient_id == user_id))]


def test_the_contributor_is_told_once(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.editor)
    client.post(response_url(world, "idea", world.idea), data={"response-text": "Ja."})
    client.post(response_url(world, "idea", world.idea), data={"response-text": "Ja, und zwar bald."})
    assert _notifications(app, world.users.anna.id) == [("responses.answered", "idea", world.idea, "immediate")]
    inbox = login(app, world.users.anna).get("/notifications").text
    assert "Stadt Beispielstadt, Amt für Verkehr officially responded to your contribution “Mehr Fahrradbügel”." in inbox


def test_comment_authors_are_told_too(answered_site, login):
    app, world = answered_site
    login(app, world.users.editor).post(response_url(world, "comment", world.comment), data={"response-text": "Danke."})
    assert _notifications(app, world.users.ben.id) == [("responses.answered", "comment", world.comment, "immediate")]


def test_a_person_who_turned_it_off_gets_no_mail(answered_site, login):
    from core.notifications.models import NotificationPreference

    app, world = answered_site
    with app.app_context():
        db.session.add(NotificationPreference(user_id=world.users.anna.id, kind="responses.answered", mode="off"))
        db.session.commit()
    login(app, world.users.editor).post(response_url(world, "idea", world.idea), data={"response-text": "Ja."})
    assert _notifications(app, world.users.anna.id) == [("responses.answered", "idea", world.idea, "off")]


def test_the_kind_is_listed_on_the_settings_page(answered_site, login):
    app, world = answered_site
    page = login(app, world.users.anna).get("/notifications/settings").text
    assert "Official responses to my contributions" in page
