"""Notifications: the hook, who is told (and who not), the inbox, the settings and the unsubscribe link."""
from __future__ import annotations

import types
from datetime import timedelta

import pytest
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import hookimpl
from core.extensions import db
from core.notifications.models import Delivery, Notification
from core.registry import NotificationKind
from core.testing import T0
from core.toolkit import load_project, notify

WISH = "wishes.granted"


def _wish_plugin():
    """A plugin with one kind and one route that notifies the people it names, as the current user."""
    bp = Blueprint("wishes", __name__, url_prefix="/p/<slug>/wishes")

    @bp.post("/grant")
    def grant(slug):
        from flask import request

        project = load_project(slug)
        ids = [int(i) for i in request.form.getlist("to")]
        notify(WISH, ids, project=project, actor=current_user, title=request.form.get("title", "Bench"),
               url=url_for("projects.project", slug=slug))
        db.session.commit()
        return "ok"

    @hookimpl
    def register_notification_kinds(register):
        register(NotificationKind(WISH, "My wish was granted", default="immediate",
                                  describe=lambda n: _("Your wish “%(wish)s” was granted.", wish=n.payload["title"]),
                                  audience="Sent to the person who pinned the wish."))

    @hookimpl
    def register_blueprints(register):
        register(bp)

    return types.SimpleNamespace(PLUGIN_NAME="wishes", register_notification_kinds=register_notification_kinds,
                                 register_blueprints=register_blueprints)


@pytest.fixture
def wish_app(make_app):
    return make_app(plugins=[], extra_plugins=[_wish_plugin()], TASK_QUEUE_URL="memory://")


def _inbox(app, user):
    with app.app_context():
        return list(db.session.scalars(db.select(Notification).where(Notification.recipient_id == user.id)))


def test_hook_register_notification_kinds(wish_app, users, login, project_with_phase):
    """A plugin's kind reaches the person named, shows in their inbox and on their settings page."""
    people = users(wish_app)
    slug = _project(wish_app)
    client = login(wish_app, people.initiator)
    assert client.post(f"/p/{slug}/wishes/grant", data={"to": [people.anna.id], "title": "Bänke"}).status_code == 200
    anna = login(wish_app, people.anna)
    page = anna.get("/notifications").get_data(as_text=True)
    assert "Your wish “Bänke” was granted." in page
    assert 'class="notification-count">1<' in page
    settings = anna.get("/notifications/settings").get_data(as_text=True)
    assert "My wish was granted" in settings and "Sent to the person who pinned the wish." in settings
    assert wish_app.extensions["mitsprache"].registry.notification_kinds[WISH].plugin == "wishes"


def _project(app, slug="city-plan", is_public=True, people=None):
    from core.models import User
    from core.services import create_project, grant_role

    with app.app_context():
        project = create_project(slug, "City plan", is_public=is_public)
        if people is not None:
            grant_role(project, db.session.get(User, people.anna.id), "member")
        db.session.commit()
        return project.slug
