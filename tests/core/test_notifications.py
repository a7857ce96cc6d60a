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


def test_the_unread_count_in_the_civic_theme_and_no_query_for_visitors(make_app, users, login, count_queries):
    """The civic theme extends the default layout, count included; visitors' pages ask nothing about notifications."""
    app = make_app(plugins=["comments"], theme="civic")
    people = users(app)
    slug = _project(app)
    with app.app_context(), app.test_request_context():
        from core.models import Project

        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        notify("comments.reply", [people.anna.id], project=project, actor=people.ben.id, excerpt="Hallo", url="/")
        db.session.commit()
    page = login(app, people.anna).get("/").get_data(as_text=True)
    assert 'id="notification-count"' in page and 'class="notification-count">1<' in page
    with count_queries(app) as statements:
        app.test_client().get("/")
    assert not any("core_notification" in sql for sql in statements)


def test_the_unread_count_is_cached_and_follows_new_and_read_notifications_at_once(make_app, users, login,
                                                                                    count_queries):
    """The header's count comes from the cache while nothing changed, and is right at once when something did."""
    import re

    app = make_app(plugins=["comments"])
    people = users(app)
    slug = _project(app)
    anna = login(app, people.anna)

    def shown() -> int:
        found = re.search(r'class="notification-count">(\d+)<', anna.get("/").get_data(as_text=True))
        return int(found.group(1)) if found else 0

    assert shown() == 0
    with app.app_context(), app.test_request_context():
        from core.models import Project

        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        for text in ("Hallo", "Noch was"):
            notify("comments.reply", [people.anna.id], project=project, actor=people.ben.id, excerpt=text, url="/")
        db.session.commit()
    assert shown() == 2
    with count_queries(app) as statements:
        assert shown() == 2
    assert not any("core_notification" in sql for sql in statements)  # from the cache
    assert anna.post("/notifications/read", data={}).status_code == 302
    assert shown() == 0


def test_nobody_hears_of_their_own_doing_nor_of_a_project_they_cannot_see(make_app, users):
    app = make_app(plugins=["comments"])
    people = users(app)
    from core.models import Project, User
    from core.services import create_project, grant_role

    with app.app_context(), app.test_request_context():
        private = create_project("intern", "Intern", is_public=False)
        grant_role(private, db.session.get(User, people.anna.id), "member")
        db.session.commit()
        everyone = [people.anna.id, people.ben.id, people.moderator.id, people.admin.id]
        made = notify("comments.reply", everyone, project=db.session.get(Project, private.id), actor=people.moderator.id,
                      excerpt="x")
        db.session.commit()
        # Anna is a member, the admin sees everything; Ben may not see the project; the moderator acted.
        assert sorted(n.recipient_id for n in made) == sorted([people.anna.id, people.admin.id])
        assert notify("comments.reply", [people.ben.id], actor=people.ben) == []
