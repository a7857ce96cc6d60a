"""E-mails to the people of an organisation: new interest, a mutual connection, a message, an introduction.

Mail goes through the core's mail sending when the toolkit offers it
(``core.toolkit.send_mail``); until then it is written to the log
``mitsprache.matchmaking.mail``, as the core does in development. Mails never
carry contact details: they link to the dashboard, where the rules of
:mod:`.organisations` apply.
"""
from __future__ import annotations

import logging

from flask import has_request_context
from sqlalchemy import select

from core.toolkit import _, db, url_for

try:
    from core.toolkit import send_mail
except ImportError:  # not (yet) part of the toolkit: log instead
    send_mail = None

from .models import Membership

log = logging.getLogger("mitsprache.matchmaking.mail")


def _addresses(org_id: int) -> list[str]:
    from core.toolkit import User

    return list(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id).where(Membership.organisation_id == org_id)
    ))


def _dashboard(project) -> str:
    if not has_request_context():
        return ""
    return url_for("matchmaking.dashboard", slug=project.slug, _external=True)


def send(org_id: int, subject: str, body: str) -> None:
    """Mail every person acting for the organisation."""
    for address in _addresses(org_id):
        if send_mail is not None:
            send_mail(address, subject, body)
        else:
            log.info("Mail to %s: %s\n%s", address, subject, body)


def new_interest(interest) -> None:
    send(interest.receiver_id, _("New interest in %(org)s", org=interest.receiver.name),
         _("%(sender)s is interested in working with %(org)s. Answer on your dashboard: %(link)s",
           sender=interest.sender.name, org=interest.receiver.name, link=_dashboard(interest.project)))


def mutual(connection) -> None:
    for org, other in ((connection.org_low, connection.org_high), (connection.org_high, connection.org_low)):
        send(org.id, _("You are connected with %(org)s", org=other.name),
             _("%(org)s and you are interested in each other. Their contact details are on your dashboard: %(link)s",
               org=other.name, link=_dashboard(connection.project)))


def message(connection, message) -> None:
    other = connection.other(message.organisation_id)
    send(other.id, _("New message from %(org)s", org=message.organisation.name),
         _("Read and answer it on your dashboard: %(link)s", link=_dashboard(connection.project)))


def introduction(intro) -> None:
    for org, other in ((intro.org_low, intro.org_high), (intro.org_high, intro.org_low)):
        send(org.id, _("The organisers suggest you meet %(org)s", org=other.name),
             _("Accept or decline the introduction on your dashboard: %(link)s", link=_dashboard(intro.project)))


def report(entry) -> None:
    log.info("Report about organisation %s by organisation %s", entry.reported_id, entry.reporter_id)
