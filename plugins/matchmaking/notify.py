"""Telling the people of an organisation: new interest, a mutual connection, a message, an introduction.

Through the core's notifications when the toolkit offers them (``notify`` and
the ``register_notification_kinds`` hook: the inbox, each person's choice of
e-mail at once, daily digest or off); otherwise written to the log
``mitsprache.matchmaking.mail``, as the core does with mail in development.
Notifications never carry contact details: they link to "Your interests",
where the rules of :mod:`.organisations` apply.
"""
from __future__ import annotations

import logging

from flask import has_request_context
from sqlalchemy import select

from core.toolkit import _, _l, db, url_for

from .models import Membership

try:
    from core.toolkit import NotificationKind
    from core.toolkit import notify as core_notify
except ImportError:  # a core without notifications: log instead
    NotificationKind = core_notify = None

log = logging.getLogger("mitsprache.matchmaking.mail")

#: name, label, default, the line people read (from the stored payload)
KINDS = [
    ("matchmaking.interest", _l("Interest in my organisation"), "immediate",
     lambda p: _("%(sender)s is interested in working with %(org)s.", sender=p.get("sender", ""), org=p.get("org", ""))),
    ("matchmaking.mutual", _l("A new connection of my organisation"), "immediate",
     lambda p: _("%(org)s and you are interested in each other.", org=p.get("other", ""))),
    ("matchmaking.message", _l("Messages to my organisation"), "digest",
     lambda p: _("New message from %(org)s", org=p.get("other", ""))),
    ("matchmaking.introduction", _l("Introductions proposed by the organisers"), "immediate",
     lambda p: _("The organisers suggest you meet %(org)s", org=p.get("other", ""))),
]


def kinds() -> list:
    """The plugin's notification kinds, for the core's ``register_notification_kinds`` hook."""
    if NotificationKind is None:
        return []
    return [NotificationKind(name, label, default=default, describe=lambda n, line=line: line(n.payload or {}),
                             audience=_l("Sent to the people acting for the organisation"))
            for name, label, default, line in KINDS]


def _members(org_id: int) -> list[int]:
    return list(db.session.scalars(select(Membership.user_id).where(Membership.organisation_id == org_id)))


def _dashboard(project, external: bool = False) -> str:
    if not has_request_context():
        return ""
    return url_for("matchmaking.dashboard", slug=project.slug, _external=external)


def deliver(kind: str, user_ids: list[int], project, actor, subject: str, body: str, payload: dict) -> None:
    """Hand one event to the core's notifications (and commit it), or log it."""
    if not user_ids:
        return
    if core_notify is not None:
        core_notify(kind, user_ids, project=project, actor=actor, url=_dashboard(project), **payload)
        db.session.commit()
        return
    from core.toolkit import User

    for address in db.session.scalars(select(User.email).where(User.id.in_(user_ids))):
        log.info("Mail to %s: %s\n%s", address, subject, body)


def send(target, kind: str, subject: str, body: str, project, actor=None, **payload) -> None:
    """Tell every person acting for the ``target`` organisation."""
    deliver(kind, _members(target.id), project, actor, subject, body, payload)


def new_interest(interest, actor=None) -> None:
    send(interest.receiver, "matchmaking.interest", _("New interest in %(org)s", org=interest.receiver.name),
         _("%(sender)s is interested in working with %(org)s. Answer on your dashboard: %(link)s",
           sender=interest.sender.name, org=interest.receiver.name, link=_dashboard(interest.project, True)),
         interest.project, actor, sender=interest.sender.name, org=interest.receiver.name)


def mutual(connection, actor=None) -> None:
    for org, other in ((connection.org_low, connection.org_high), (connection.org_high, connection.org_low)):
        send(org, "matchmaking.mutual", _("You are connected with %(org)s", org=other.name),
             _("%(org)s and you are interested in each other. Their contact details are on your dashboard: %(link)s",
               org=other.name, link=_dashboard(connection.project, True)),
             connection.project, actor, other=other.name)


def message(connection, message, actor=None) -> None:
    other = connection.other(message.organisation_id)
    send(other, "matchmaking.message", _("New message from %(org)s", org=message.organisation.name),
         _("Read and answer it on your dashboard: %(link)s", link=_dashboard(connection.project, True)),
         connection.project, actor, other=message.organisation.name)


def introduction(intro) -> None:
    for org, other in ((intro.org_low, intro.org_high), (intro.org_high, intro.org_low)):
        send(org, "matchmaking.introduction", _("The organisers suggest you meet %(org)s", org=other.name),
             _("Accept or decline the introduction on your dashboard: %(link)s", link=_dashboard(intro.project, True)),
             intro.project, None, other=other.name)


def report(entry) -> None:
    log.info("Report about organisation %s by organisation %s", entry.reported_id, entry.reporter_id)
