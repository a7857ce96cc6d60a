"""The notification tables: what happened for whom (the inbox), how each person wants to hear of it, and the outbox.

Three tables, all written in the transaction of the event that causes them:

- ``core_notification``: one row per recipient and event, shown in the inbox.
  ``email`` records at the moment of the event whether the row goes out
  ``immediate``-ly, in the daily ``digest``, or not by e-mail (``off``).
  ``dedupe_key`` (unique per recipient) lets periodic jobs such as "the phase
  opens" write the same notification from two workers without doubling it.
- ``core_delivery``: the outbox. One row per e-mail to send: an immediate
  notification (``notification_id``, unique) or one person's digest of one day
  (``digest_key``, unique). A worker claims a row with a conditional UPDATE,
  sends it and marks it sent; see :mod:`core.notifications.delivery` for why a
  row can never be sent twice by two workers.
- ``core_notification_preference``: a person's choice per kind, when it
  differs from the kind's default (``kind = "*"`` mutes every kind).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cache_scopes import inbox_scope
from ..clock import now
from ..extensions import db
from ..types import UTCDateTime

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
MODES = (IMMEDIATE, DIGEST, OFF)
#: The preference row that stands for "no e-mail of any kind" (the unsubscribe-all link).
ALL_KINDS = "*"

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"


class Notification(db.Model):
    __tablename__ = "core_notification"
    __table_args__ = (
        UniqueConstraint("recipient_id", "dedupe_key", name="uq_core_notification_recipient_key"),
        # The inbox page and the header's unread count: newest first, per person.
        Index("ix_core_notification_inbox", "recipient_id", "read_at", "created_at"),
        # The digest job: rows waiting for tonight's digest.
        Index("ix_core_notification_digest", "email", "digest_delivery_id", "created_at"),
    )

    #: Only the recipient's unread count shows it (core.cache_scopes): no page of the project is outdated,
    #: and delivery bookkeeping (e-mail sent, digest) outdates nothing at all.
    cache_columns = ("read_at",)

    @staticmethod
    def cache_scopes(row) -> list[str]:
        return [inbox_scope(row.recipient_id)]

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    #: The thing the notification is about, as the core's item types name it ("comment", "idea", "phase").
    item_type: Mapped[str | None] = mapped_column(String(40))
    item_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    #: What the kind's ``describe`` needs to write the text (titles, excerpts, a link), kept as it was.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str] = mapped_column(String(10), default=DIGEST)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    #: The digest this row went out in (None: not yet, or not by digest).
    digest_delivery_id: Mapped[int | None] = mapped_column(ForeignKey("core_delivery.id", ondelete="SET NULL"))

    project = relationship("Project")
    actor = relationship("User", foreign_keys=[actor_id])
    recipient = relationship("User", foreign_keys=[recipient_id])

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} for {self.recipient_id}>"


class Delivery(db.Model):
    """One e-mail in the outbox: an immediate notification or a day's digest for one person."""

    __tablename__ = "core_delivery"
    __table_args__ = (
        # What the sender looks for: pending rows that are due.
        Index("ix_core_delivery_due", "state", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    #: An immediate notification: at most one e-mail per notification. (No foreign key: the
    #: notification points at its digest delivery, and a cycle of keys would complicate every migration;
    #: both rows go with their recipient.)
    notification_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    #: A digest: ``"<user id>:<local date>"``, so a person gets at most one digest a day.
    digest_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    #: Who holds the row while sending, and since when (a worker killed mid-batch leaves it; see delivery.py).
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    recipient = relationship("User")
    #: The immediate notification this e-mail carries (a plain column, see ``notification_id``).
    notification = relationship(
        "Notification", primaryjoin="foreign(Delivery.notification_id) == Notification.id", uselist=False)

    def __repr__(self) -> str:
        return f"<Delivery {self.id} {self.state} to {self.recipient_id}>"


class NotificationPreference(db.Model):
    """A person's choice for one kind (or ``"*"``: every kind), stored only where it differs from the default."""

    __tablename__ = "core_notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_core_notification_preference_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    mode: Mapped[str] = mapped_column(String(10))


NOTIFICATION_MODELS = [Notification, Delivery, NotificationPreference]
