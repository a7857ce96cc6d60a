"""Telling people what happened: ``notify()`` in the event's own transaction, and each person's choices.

A plugin declares its kinds once (``register_notification_kinds``) and calls
``notify`` where the event is written, before its commit::

    from core.toolkit import db, notify

    comment = Comment(...)
    db.session.add(comment)
    notify("comments.reply", [parent.author_id], project=project, item=comment, actor=author,
           excerpt=comment.text[:200], url=f"/p/{project.slug}/c/{comment.id}")
    db.session.commit()          # the comment and its notifications, or neither

``notify`` only adds rows to the session: the notification exists exactly when
the event does (no lost mail when the request dies after the commit, no mail
about a comment that was rolled back). It leaves out the actor, people who may
not see the project (``can(user, "project.view", project)``), deleted
accounts, and duplicates; and it decides, from each person's choice or else the
kind's default, whether an e-mail goes out at once (an outbox row, see
:mod:`.delivery`), tonight in the digest (:mod:`.digest`) or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import and_, func, insert, select, update

from ..clock import now
from ..extensions import db
from . import soon
from .models import ALL_KINDS, DIGEST, IMMEDIATE, MODES, OFF, PENDING, Delivery, Notification, NotificationPreference


def _kind(name: str):
    kinds = current_app.extensions["mitsprache"].registry.notification_kinds
    try:
        return kinds[name]
    except KeyError:
        raise LookupError(f"no notification kind {name!r} is registered (register_notification_kinds)") from None


def _user_id(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return getattr(value, "id", None)


def _visible_to(users: list, project) -> list:
    """The users who may see ``project``, asked of the policy with their roles loaded in one query."""
    if project is None or project.is_public:
        return users
    from flask import g

    from ..models import ProjectRole
    from ..policy import can

    cache = g.setdefault("_mitsprache_roles", {})
    roles: dict[int, set[str]] = {user.id: set() for user in users}
    for user_id, role in db.session.execute(
        select(ProjectRole.user_id, ProjectRole.role)
        .where(ProjectRole.project_id == project.id, ProjectRole.user_id.in_(list(roles)))
    ):
        roles[user_id].add(role)
    for user_id, held in roles.items():
        cache.setdefault((user_id, project.id), frozenset(held))
    return [user for user in users if can(user, "project.view", project)]


def modes_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each person hears of ``kind``: their own choice, "off" for all kinds, else the kind's default."""
    ids = list(user_ids)
    default = _kind(kind).default
    modes = dict.fromkeys(ids, default)
    if not ids:
        return modes
    chosen: dict[int, dict[str, str]] = {}
    for user_id, pref_kind, mode in db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id.in_(ids), NotificationPreference.kind.in_([kind, ALL_KINDS]))
    ):
        chosen.setdefault(user_id, {})[pref_kind] = mode
    for user_id, prefs in chosen.items():
        if prefs.get(ALL_KINDS) == OFF:
            modes[user_id] = OFF
        elif prefs.get(kind) in MODES:
            modes[user_id] = prefs[kind]
    return modes


@dataclass
class Prepared:
    """Who will be told of an event and how, read before the event's first write; :meth:`add` writes the rows."""

    kind: str
    project: Any
    actor_id: int | None
    dedupe_key: str | None
    modes: dict[int, str]

    def add(self, *, item=None, item_type: str | None = None, item_id: int | None = None, **payload: Any) -> list:
        """Insert the notifications (and the outbox rows of "at once"); the caller commits.

        Two statements, not ORM objects: this runs inside the event's write
        transaction (on SQLite while holding the one write lock), so it is kept
        short. Returns the new rows (``id``, ``recipient_id``, ``kind``, ``email``).
        """
        if not self.modes:
            return []
        if item is not None:
            item_id = item_id if item_id is not None else getattr(item, "id", None)
            item_type = item_type or type(item).__name__.lower()
        at = now()
        rows = [dict(recipient_id=user_id, kind=self.kind, project_id=getattr(self.project, "id", None),
                     item_type=item_type, item_id=item_id, actor_id=self.actor_id, payload=dict(payload),
                     created_at=at, email=mode, dedupe_key=self.dedupe_key)
                for user_id, mode in sorted(self.modes.items())]
        created = db.session.execute(
            insert(Notification).returning(Notification.id, Notification.recipient_id, Notification.kind,
                                           Notification.email, sort_by_parameter_order=True), rows).all()
        outbox = [dict(recipient_id=row.recipient_id, notification_id=row.id, state=PENDING, attempts=0,
                       next_try_at=at, created_at=at) for row in created if row.email == IMMEDIATE]
        if outbox:
            db.session.execute(insert(Delivery), outbox)
            soon.mark(db.session())  # the worker sends them right after this transaction commits
        return created


def prepare(kind: str, recipients: Iterable[Any], *, project=None, actor=None,
            dedupe_key: str | None = None) -> Prepared:
    """The reading half of :func:`notify`: who is told (not the actor, only people who may see the project,
    no deleted accounts, once per ``dedupe_key``) and how (their choice or the kind's default).

    Call it before the event's first write where the write holds a lock others wait for (SQLite's one
    writer): the queries then run before it, and :meth:`Prepared.add` only inserts.
    """
    return prepare_each([(kind, recipients)], project=project, actor=actor, dedupe_key=dedupe_key)[0]


def prepare_each(told: list[tuple[str, Iterable[Any]]], *, project=None, actor=None,
                 dedupe_key: str | None = None) -> list[Prepared]:
    """:func:`prepare` for several kinds of one event at once (a reply tells the parent's author one
    thing and the idea's author another), in one query on a public project."""
    from ..models import User

    for kind, _recipients in told:
        _kind(kind)
    actor_id = _user_id(actor)
    wanted = {kind: [i for i in dict.fromkeys(_user_id(r) for r in recipients) if i is not None and i != actor_id]
              for kind, recipients in told}
    everyone = list(dict.fromkeys(i for ids in wanted.values() for i in ids))
    if everyone and dedupe_key is not None:
        done = set(db.session.scalars(select(Notification.recipient_id).where(
            Notification.dedupe_key == dedupe_key, Notification.recipient_id.in_(everyone))))
        wanted = {kind: [i for i in ids if i not in done] for kind, ids in wanted.items()}
        everyone = [i for i in everyone if i not in done]
    if not everyone:
        return [Prepared(kind, project, actor_id, dedupe_key, {}) for kind, _r in told]
    deleted = getattr(User, "deleted_at", None)
    alive = [deleted.is_(None)] if deleted is not None else []
    if project is not None and not project.is_public:
        users = list(db.session.scalars(select(User).where(User.id.in_(everyone), *alive)))
        allowed = {user.id for user in _visible_to(users, project)}
        return [Prepared(kind, project, actor_id, dedupe_key,
                         modes_for([i for i in wanted[kind] if i in allowed], kind) if allowed else {})
                for kind, _r in told]
    # One query for who exists and what they chose (the common case: a reply on a public project).
    kinds = [kind for kind, _r in told]
    chosen: dict[int, dict[str, str]] = {}
    for user_id, pref_kind, mode in db.session.execute(
        select(User.id, NotificationPreference.kind, NotificationPreference.mode)
        .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == User.id,
                                                NotificationPreference.kind.in_([*kinds, ALL_KINDS])))
        .where(User.id.in_(everyone), *alive)
    ):
        chosen.setdefault(user_id, {})
        if pref_kind is not None:
            chosen[user_id][pref_kind] = mode
    prepared = []
    for kind in kinds:
        default = _kind(kind).default
        modes = {}
        for user_id in wanted[kind]:
            if user_id not in chosen:
                continue  # no such account, or deleted
            prefs = chosen[user_id]
            modes[user_id] = OFF if prefs.get(ALL_KINDS) == OFF else prefs[kind] if prefs.get(kind) in MODES else default
        prepared.append(Prepared(kind, project, actor_id, dedupe_key, modes))
    return prepared


def notify(kind: str, recipients: Iterable[Any], *, project=None, item=None, item_type: str | None = None,
           item_id: int | None = None, actor=None, dedupe_key: str | None = None, **payload: Any) -> list[Notification]:
    """Add a notification of ``kind`` for each recipient (users or ids) to the session; the caller commits.

    ``item`` (or ``item_type`` and ``item_id``) is what it is about; its type is
    ``item_type`` or the item's lower-cased class name. ``actor`` is who caused
    it and is never notified. Keyword arguments become the JSON ``payload``
    that the kind's ``describe`` reads; ``url`` (a path on this site) is where
    the notification links to. ``dedupe_key`` makes the notification once-only
    per person (periodic jobs). Returns the new rows.
    """
    return prepare(kind, recipients, project=project, actor=actor, dedupe_key=dedupe_key).add(
        item=item, item_type=item_type, item_id=item_id, **payload)


def people_with_role(project, *roles: str) -> list[int]:
    """The ids of the people holding one of ``roles`` in ``project`` (e.g. who hears of a new report)."""
    from ..models import ProjectRole

    return list(db.session.scalars(select(ProjectRole.user_id).where(
        ProjectRole.project_id == project.id, ProjectRole.role.in_([str(r) for r in roles])).distinct()))


def set_preference(user_id: int, kind: str, mode: str) -> None:
    """Store how ``user_id`` wants to hear of ``kind`` (or ``"*"``: all kinds, "off" or back to each kind's choice)."""
    if mode not in MODES:
        raise ValueError(mode)
    if kind != ALL_KINDS:
        _kind(kind)
    row = db.session.scalar(select(NotificationPreference).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind))
    if row is None:
        db.session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
    else:
        row.mode = mode


def preferences_of(user_id: int) -> dict[str, str]:
    """``{kind: mode}`` for every registered kind (the person's choice or the default), and ``"*"`` if muted."""
    from .kinds import notification_kinds

    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.mode)
                                     .where(NotificationPreference.user_id == user_id)).all())
    chosen = {name: stored.get(name) if stored.get(name) in MODES else kind.default
              for name, kind in notification_kinds().items()}
    if stored.get(ALL_KINDS) == OFF:
        chosen[ALL_KINDS] = OFF
    return chosen


def unread_count(user_id: int) -> int:
    """How many notifications ``user_id`` has not read yet (the number in the header)."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or, with None, all) of the person's unread notifications read; returns how many changed."""
    query = update(Notification).where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        ids = [int(i) for i in notification_ids]
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    return db.session.execute(query.values(read_at=now()).execution_options(synchronize_session=False)).rowcount


__all__ = ["DIGEST", "IMMEDIATE", "OFF", "Prepared", "mark_read", "modes_for", "notify", "people_with_role", "prepare",
           "prepare_each",
           "preferences_of", "set_preference", "unread_count"]
