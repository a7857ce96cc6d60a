"""The interest state machine: mark, answer, cross, decline silently, expire, withdraw, block, introduce.

::

    result = mark(sender=initiative_org, receiver=body_org, challenge=challenge, message="…", author=user)
    result.state          # "pending", or "mutual" when the receiver had already marked the sender
    answer(interest, accept=True, author=user)      # the receiver: mutual, contact details open up
    answer(interest, accept=False, author=user)     # silent: the sender still reads "no answer yet"

States of an :class:`.models.Interest` as stored: pending, accepted, declined,
withdrawn. What each side reads (:func:`shown_state`):

=============  =====================  ===================  =================
stored          sender reads           receiver reads       organisers read
=============  =====================  ===================  =================
pending         no answer yet          awaiting your answer pending
declined        no answer yet          declined             declined
(either, after  expired                expired              expired
 expiry days)
accepted        mutual                 mutual               mutual
withdrawn       withdrawn              (not shown)          withdrawn
=============  =====================  ===================  =================

**Exactly one connection per pair**, also when both sides click at the same
moment: the connection table has a unique constraint on the ordered pair
``(org_low_id, org_high_id)``, and :func:`_connect` commits the connection
together with the interest changes; the request that loses the race gets an
``IntegrityError``, rolls back, re-applies its interest changes and reads the
winner's connection. Crossing interests are found after each side has
committed its own, so of two simultaneous requests the later check always sees
the other's interest (on SQLite reads see every committed write; on PostgreSQL
each statement sees what was committed before it started).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from core.toolkit import DomainError, _, db, known_phases, now

from . import notify
from .models import PUBLIC_BODY, Block, Connection, Interest, Introduction, Message, Organisation, Report

KIND = "matchmaking"
DEFAULT_EXPIRY_DAYS = 21
DEFAULT_MAX_OPEN = 10
OUTCOMES = ("pilot_agreed", "adopted", "ended")


# ---------------------------------------------------------------------------
# Settings of the project's matchmaking phase
# ---------------------------------------------------------------------------


def phase_setting(project, name: str, default):
    """A setting of the project's active matchmaking phase (else its latest one), or ``default``."""
    phases = [p for p in known_phases(project) if p.kind == KIND]
    if not phases:
        return default
    at = now()
    active = [p for p in phases if p.state(at).value == "active"]
    phase = active[0] if active else phases[-1]
    value = (phase.settings or {}).get(name)
    return default if value in (None, "") else value


def expiry_days(project) -> int:
    return max(1, int(phase_setting(project, "expiry_days", DEFAULT_EXPIRY_DAYS)))


def max_open(project) -> int:
    return max(0, int(phase_setting(project, "max_open_requests", DEFAULT_MAX_OPEN)))


def expires_at(interest, days: int):
    return interest.created_at + timedelta(days=days)


def is_expired(interest, days: int, at=None) -> bool:
    return interest.state in ("pending", "declined") and expires_at(interest, days) <= (at or now())


def shown_state(interest, viewer_org_ids: set[int], *, organiser: bool = False, days: int = DEFAULT_EXPIRY_DAYS) -> str | None:
    """What the viewer reads about an interest (see the module's table); None: not shown to them."""
    expired = is_expired(interest, days)
    if interest.sender_id in viewer_org_ids:
        if interest.state == "accepted":
            return "mutual"
        if interest.state == "withdrawn":
            return "withdrawn"
        return "expired" if expired else "no_answer"
    if interest.receiver_id in viewer_org_ids:
        if interest.state == "withdrawn":
            return None
        if interest.state == "accepted":
            return "mutual"
        if expired:
            return "expired"
        return "declined" if interest.state == "declined" else "awaiting"
    if organiser:
        return "expired" if expired else {"accepted": "mutual"}.get(interest.state, interest.state)
    return None


def open_outgoing(org, at=None) -> int:
    """Interests the organisation sent that still count as open (silently declined ones too, until they expire)."""
    days = expiry_days(org.project)
    since = (at or now()) - timedelta(days=days)
    return db.session.scalar(
        select(func.count(Interest.id)).where(
            Interest.sender_id == org.id, Interest.state.in_(("pending", "declined")), Interest.created_at > since
        )
    ) or 0


# ---------------------------------------------------------------------------
# Pairs: blocks and connections
# ---------------------------------------------------------------------------


def ordered(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def connection_between(a_id: int, b_id: int) -> Connection | None:
    low, high = ordered(a_id, b_id)
    return db.session.scalar(select(Connection).where(Connection.org_low_id == low, Connection.org_high_id == high))


def is_blocked(a_id: int, b_id: int) -> bool:
    """Whether either organisation blocked the other."""
    return db.session.scalar(
        select(Block.id).where(
            or_(and_(Block.blocker_id == a_id, Block.blocked_id == b_id), and_(Block.blocker_id == b_id, Block.blocked_id == a_id))
        ).limit(1)
    ) is not None


def compatible(sender: Organisation, receiver: Organisation) -> bool:
    """A public body and an organisation of the other side, in the same project."""
    return (sender.project_id == receiver.project_id and sender.id != receiver.id
            and (sender.kind == PUBLIC_BODY) != (receiver.kind == PUBLIC_BODY))


def _connect(project_id: int, a_id: int, b_id: int, origin: str, apply: Callable[[], None]) -> Connection:
    """Commit ``apply()`` together with the pair's connection; if another request made it first, just ``apply()``."""
    low, high = ordered(a_id, b_id)
    apply()
    existing = connection_between(low, high)
    if existing is not None:
        db.session.commit()
        return existing
    connection = Connection(project_id=project_id, org_low_id=low, org_high_id=high, origin=origin, created_at=now())
    db.session.add(connection)
    try:
        db.session.commit()
        return connection
    except IntegrityError:
        db.session.rollback()  # the twin request connected the pair a moment earlier
    apply()
    db.session.commit()
    winner = connection_between(low, high)
    if winner is None:
        raise RuntimeError("connection vanished after a unique violation")
    return winner


# ---------------------------------------------------------------------------
# Marking and answering
# ---------------------------------------------------------------------------


@dataclass
class Result:
    interest: Interest | None
    state: str  # "pending", "mutual"
    connection: Connection | None = None


def _load(sender_id: int, receiver_id: int) -> Interest | None:
    return db.session.scalar(select(Interest).where(Interest.sender_id == sender_id, Interest.receiver_id == receiver_id))


def mark(sender: Organisation, receiver: Organisation, *, challenge=None, initiative=None, message: str = "",
         author=None) -> Result:
    """Mark interest; raises :class:`DomainError` with a reason people read when it is not possible."""
    if not compatible(sender, receiver):
        raise DomainError(_("Interest goes from a public body to an initiative, or the other way round."))
    existing_connection = connection_between(sender.id, receiver.id)
    if existing_connection is not None:
        return Result(None, "mutual", existing_connection)
    if is_blocked(sender.id, receiver.id):
        raise DomainError(_("You cannot contact this organisation."))
    days = expiry_days(sender.project)
    interest = _load(sender.id, receiver.id)
    if interest is not None and interest.state in ("pending", "declined") and not is_expired(interest, days):
        return Result(interest, "pending")  # already sent: the same click twice
    if interest is not None and interest.state == "accepted":
        # The pair connected between the check above and this read (both sides clicked at once):
        # the interest stays accepted; marking it pending again would undo the other request's answer.
        connection = connection_between(sender.id, receiver.id)
        if connection is not None:
            return Result(interest, "mutual", connection)
    cap = max_open(sender.project)
    if cap and open_outgoing(sender) >= cap:
        raise DomainError(_("%(org)s has %(n)d open requests, the most this programme allows. Wait for answers "
                            "or withdraw one first.", org=sender.name, n=cap))
    values = dict(challenge_id=challenge.id if challenge is not None else None,
                  initiative_id=initiative.id if initiative is not None else None,
                  message=(message or "").strip()[:500], state="pending", author_id=getattr(author, "id", None),
                  created_at=now(), answered_at=None)
    if interest is None:
        interest = Interest(project_id=sender.project_id, sender_id=sender.id, receiver_id=receiver.id, **values)
        db.session.add(interest)
    else:
        for key, value in values.items():
            setattr(interest, key, value)
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the twin request stored it
        db.session.rollback()
        interest = _load(sender.id, receiver.id)
        return Result(interest, "pending")
    interest_id = interest.id
    crossing = _load(receiver.id, sender.id)
    if crossing is not None and crossing.state in ("pending", "declined") and not is_expired(crossing, days):
        def apply():
            for item_id in (interest_id, crossing.id):
                row = db.session.get(Interest, item_id)
                row.state, row.answered_at = "accepted", row.answered_at or now()

        connection = _connect(sender.project_id, sender.id, receiver.id, "crossing", apply)
        notify.mutual(connection, author)
        return Result(db.session.get(Interest, interest_id), "mutual", connection)
    notify.new_interest(interest, author)
    return Result(interest, "pending")


def answerable(interest) -> bool:
    return interest.state == "pending" and not is_expired(interest, expiry_days(interest.project))


def answer(interest: Interest, *, accept: bool, author=None) -> Result:
    """The receiver's answer. Accepting makes the pair mutual; declining is silent to the sender."""
    if not answerable(interest):
        if interest.state == "accepted":
            return Result(interest, "mutual", connection_between(interest.sender_id, interest.receiver_id))
        raise DomainError(_("This request can no longer be answered."))
    interest_id = interest.id
    if not accept:
        interest.state, interest.answered_at = "declined", now()
        db.session.commit()
        return Result(interest, "declined")

    def apply():
        row = db.session.get(Interest, interest_id)
        row.state, row.answered_at = "accepted", row.answered_at or now()
        reverse = _load(row.receiver_id, row.sender_id)
        if reverse is not None and reverse.state in ("pending", "declined"):
            reverse.state, reverse.answered_at = "accepted", reverse.answered_at or now()

    connection = _connect(interest.project_id, interest.sender_id, interest.receiver_id, "answer", apply)
    notify.mutual(connection, author)
    return Result(db.session.get(Interest, interest_id), "mutual", connection)


def withdraw(interest: Interest) -> None:
    if interest.state in ("pending", "declined"):
        interest.state, interest.answered_at = "withdrawn", now()
        db.session.commit()


# ---------------------------------------------------------------------------
# Blocking and reporting
# ---------------------------------------------------------------------------


def block(blocker: Organisation, blocked: Organisation) -> None:
    """``blocked`` can no longer contact ``blocker``; open requests between them end."""
    if blocker.id == blocked.id:
        raise DomainError(_("An organisation cannot block itself."))
    if db.session.scalar(select(Block.id).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)) is None:
        db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked.id, created_at=now()))
    for row in db.session.scalars(select(Interest).where(
        Interest.state == "pending",
        or_(and_(Interest.sender_id == blocked.id, Interest.receiver_id == blocker.id),
            and_(Interest.sender_id == blocker.id, Interest.receiver_id == blocked.id)),
    )):
        row.state = "declined" if row.receiver_id == blocker.id else "withdrawn"
        row.answered_at = now()
    try:
        db.session.commit()
    except IntegrityError:  # blocked twice at once
        db.session.rollback()


def unblock(blocker: Organisation, blocked: Organisation) -> None:
    db.session.execute(db.delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id))
    db.session.commit()


def blocked_by(org_ids) -> set[int]:
    """Organisations that any of ``org_ids`` blocked."""
    org_ids = list(org_ids)
    if not org_ids:
        return set()
    return set(db.session.scalars(select(Block.blocked_id).where(Block.blocker_id.in_(org_ids))))


def report(reporter: Organisation, reported: Organisation, reason: str, author=None) -> Report:
    entry = Report(project_id=reporter.project_id, reporter_id=reporter.id, reported_id=reported.id,
                   author_id=getattr(author, "id", None), reason=reason.strip()[:500], created_at=now())
    db.session.add(entry)
    db.session.commit()
    notify.report(entry)
    return entry


# ---------------------------------------------------------------------------
# Messages of a connection
# ---------------------------------------------------------------------------


def post_message(connection: Connection, org: Organisation, body: str, author=None) -> Message:
    if org.id not in (connection.org_low_id, connection.org_high_id):
        raise DomainError(_("Only the two connected organisations write here."))
    message = Message(connection_id=connection.id, organisation_id=org.id, author_id=getattr(author, "id", None),
                      body=body.strip(), created_at=now())
    db.session.add(message)
    db.session.commit()
    notify.message(connection, message, author)
    return message


# ---------------------------------------------------------------------------
# Introductions by the organisers, and outcomes
# ---------------------------------------------------------------------------


def propose(project, a: Organisation, b: Organisation, *, note: str = "", by=None, source: str = "organisers") -> Introduction:
    """Propose that ``a`` and ``b`` meet; both must accept. Idempotent per pair."""
    if not compatible(a, b) or a.project_id != project.id:
        raise DomainError(_("Introduce a public body to an initiative of this project."))
    if connection_between(a.id, b.id) is not None:
        raise DomainError(_("%(a)s and %(b)s are connected already.", a=a.name, b=b.name))
    low, high = ordered(a.id, b.id)
    existing = db.session.scalar(select(Introduction).where(Introduction.org_low_id == low, Introduction.org_high_id == high))
    if existing is not None:
        if existing.declined_at is not None:  # proposed again: both are asked afresh
            existing.declined_at = existing.low_accepted_at = existing.high_accepted_at = None
            existing.note, existing.created_at, existing.source = note.strip()[:500], now(), source
            db.session.commit()
            notify.introduction(existing)
        return existing
    intro = Introduction(project_id=project.id, org_low_id=low, org_high_id=high, note=note.strip()[:500],
                         proposed_by_id=getattr(by, "id", None), source=source, created_at=now())
    db.session.add(intro)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(select(Introduction).where(Introduction.org_low_id == low, Introduction.org_high_id == high))
    notify.introduction(intro)
    return intro


def answer_introduction(intro: Introduction, org: Organisation, *, accept: bool) -> Connection | None:
    """One side's answer; the pair is connected once both have accepted."""
    if org.id not in (intro.org_low_id, intro.org_high_id):
        raise DomainError(_("This introduction is meant for other organisations."))
    if intro.declined_at is not None:
        raise DomainError(_("This introduction was declined."))
    intro_id = intro.id
    if not accept:
        intro.declined_at = now()
        db.session.commit()
        return None
    column = "low_accepted_at" if org.id == intro.org_low_id else "high_accepted_at"
    if getattr(intro, column) is None:
        setattr(intro, column, now())
    db.session.commit()
    intro = db.session.get(Introduction, intro_id)
    if intro.low_accepted_at is None or intro.high_accepted_at is None:
        return None
    connection = _connect(intro.project_id, intro.org_low_id, intro.org_high_id, "introduction", lambda: None)
    notify.mutual(connection)
    return connection


def record_outcome(connection: Connection, outcome: str, note: str = "") -> None:
    if outcome not in OUTCOMES and outcome != "":
        raise DomainError(_("Unknown outcome."))
    connection.outcome, connection.outcome_note, connection.outcome_at = outcome, note.strip()[:500], now()
    db.session.commit()
