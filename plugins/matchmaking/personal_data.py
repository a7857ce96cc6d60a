"""What the plugin keeps about a person: shown on "My participation", in the data download, and deleted with the account.

Implements the core's ``user_contributions`` and ``delete_user_data`` hooks
(optional: older cores without them simply never call these).
"""
from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from core.toolkit import _l, db, url_for

from .models import Interest, Membership, Message, Organisation, Preference, Report

try:
    from core.toolkit import Contribution
except ImportError:  # a core without the participation page
    Contribution = None


def contributions(user) -> list:
    if Contribution is None:
        return []
    found = []
    for membership in db.session.scalars(
        select(Membership).options(joinedload(Membership.organisation).joinedload(Organisation.project))
        .where(Membership.user_id == user.id)
    ):
        org = membership.organisation
        found.append(Contribution(
            "matchmaking_membership", _l("Acting for an organisation"), org.project, org.name, org.created_at,
            url=url_for("matchmaking.organisation", slug=org.project.slug, item_id=org.id),
            data={"organisation_id": org.id, "organisation": org.name, "kind": org.kind}))
    for message in db.session.scalars(
        select(Message).options(joinedload(Message.organisation).joinedload(Organisation.project))
        .where(Message.author_id == user.id)
    ):
        project = message.organisation.project
        found.append(Contribution(
            "matchmaking_message", _l("Message to a connected organisation"), project, message.body[:80],
            message.created_at, url=url_for("matchmaking.connection", slug=project.slug, connection_id=message.connection_id),
            data={"id": message.id, "connection_id": message.connection_id, "as": message.organisation.name,
                  "text": message.body}))
    for interest in db.session.scalars(
        select(Interest).options(joinedload(Interest.sender), joinedload(Interest.receiver), joinedload(Interest.project))
        .where(Interest.author_id == user.id)
    ):
        found.append(Contribution(
            "matchmaking_interest", _l("Interest shown"), interest.project, interest.receiver.name, interest.created_at,
            url=url_for("matchmaking.dashboard", slug=interest.project.slug),
            data={"id": interest.id, "from": interest.sender.name, "to": interest.receiver.name,
                  "message": interest.message, "state": interest.state}))
    for report in db.session.scalars(
        select(Report).options(joinedload(Report.reported).joinedload(Organisation.project)).where(Report.author_id == user.id)
    ):
        found.append(Contribution(
            "matchmaking_report", _l("Report to the organisers"), report.reported.project, report.reported.name,
            report.created_at, data={"id": report.id, "about": report.reported.name, "reason": report.reason}))
    return found


def remove(user, mode: str) -> None:
    """Memberships and preferences go in any case; messages, interest notes and reports with ``mode == "remove"``."""
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(delete(Preference).where(Preference.user_id == user.id))
    if mode == "remove":
        db.session.execute(delete(Message).where(Message.author_id == user.id))
        db.session.execute(update(Interest).where(Interest.author_id == user.id).values(message="", author_id=None))
        db.session.execute(update(Report).where(Report.author_id == user.id).values(author_id=None))
    else:
        db.session.execute(update(Interest).where(Interest.author_id == user.id).values(author_id=None))

