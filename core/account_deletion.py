"""Deleting an account: the right to erasure (DSGVO Art. 17), at once, from the profile or the command line.

What goes, in one transaction:

1. every plugin removes what it stores about the person beyond authorship, and
   with ``deleted_contributions = "remove"`` the contributions themselves
   (``delete_user_data`` hook);
2. the core removes the person's roles, follows and notifications (their inbox,
   e-mails waiting for them, their choices); with ``remove`` also the
   notifications others got about the person's contributions (they quote them);
3. the account row is emptied: the address becomes ``deleted-<id>@deleted.invalid``
   (a reserved name no form accepts and no mail reaches), the display name
   "Deleted account" (in the deployment's language, so exports read the same),
   the password hash a value no password matches; language and admin flag go.
   ``deleted_at`` is set and the session version raised, so every session and
   "stay logged in" cookie of the person stops working.

The row itself stays: comments, ideas and votes keep an author, so
discussions keep their replies and every count stays exact. Nothing in it
points to the person any more. Changing the display name also invalidates
every project's cached pages (:mod:`core.cache`), so the old name leaves them
at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import delete, func, select

from .clock import now
from .extensions import db
from .models import Follow, ProjectRole, User
from .notifications.models import Delivery, Notification, NotificationPreference
from .participation import contributions_of

#: Not a password hash of any method: ``check_password_hash`` says no to every password.
NO_PASSWORD = "!deleted"


@dataclass(frozen=True)
class Deleted:
    """What a deletion did, for the operator's one line."""

    mode: str
    contributions: int


def deleted_name() -> str:
    """How a deleted account is named, in the deployment's default language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext("Deleted account")


def placeholder_address(user: User) -> str:
    return f"deleted-{user.id}@deleted.invalid"


def last_admin(user: User) -> bool:
    """Whether ``user`` is the only site administrator left."""
    if not user.is_admin:
        return False
    admins = db.session.scalar(select(func.count(User.id)).where(User.is_admin.is_(True), User.deleted_at.is_(None)))
    return admins <= 1


def delete_account(user: User, mode: str | None = None) -> Deleted:
    """Delete ``user``'s personal data as the module docstring says, and commit.

    ``mode`` is ``"keep"`` or ``"remove"`` (default: the ``deleted_contributions`` setting).
    """
    mode = mode or current_app.config["DELETED_CONTRIBUTIONS"]
    count = len(contributions_of(user))
    current_app.extensions["mitsprache"].pm.hook.delete_user_data(user=user, mode=mode)
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
    db.session.execute(delete(ProjectRole).where(ProjectRole.user_id == user.id))
    _delete_notifications(user, mode)
    user.email = placeholder_address(user)
    user.display_name = deleted_name()
    user.password_hash = NO_PASSWORD
    user.locale = None
    user.is_admin = False
    user.email_confirmed_at = None
    user.deleted_at = now()
    user.end_all_sessions()
    db.session.commit()
    return Deleted(mode, count)


def _delete_notifications(user: User, mode: str) -> None:
    """The person's inbox, outbox rows (an SMTP error may name the address) and choices; with ``remove``,
    also what others were told of the person's contributions (the payload quotes them)."""
    db.session.execute(delete(Delivery).where(Delivery.recipient_id == user.id))
    db.session.execute(delete(Notification).where(Notification.recipient_id == user.id))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    if mode == "remove":
        db.session.execute(delete(Notification).where(Notification.actor_id == user.id))
