"""Writes: comments, votes, reports and moderation. Views check permissions first; these only store.

Writes that race (the same form sent twice, two votes of one user) rely on the
unique constraints and retry once after an ``IntegrityError``, so counts stay
exact under concurrency on SQLite and PostgreSQL.
"""
from __future__ import annotations

import uuid

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from core.toolkit import db, follow, now, text_to_html

from . import notifications
from .models import DELETED, HIDDEN, VISIBLE, Comment, ModerationLog, Report, Vote

MAX_LENGTH = 4000


def valid_token(token: str | None) -> str | None:
    """The form's one-time token if it is a UUID, else None (then no duplicate detection)."""
    if not token:
        return None
    try:
        return str(uuid.UUID(token))
    except ValueError:
        return None


def new_comment(target_type, target_id, project, author, text, *, parent=None, token=None, created_at=None) -> Comment:
    text = (text or "").strip()
    comment = Comment(
        project_id=project.id, target_type=target_type, target_id=int(target_id), author_id=author.id,
        text=text, html=str(text_to_html(text)), submit_token=token,
        created_at=created_at or now(),
    )
    if parent is not None:
        comment.parent_id = parent.id
        comment.root_id = parent.root_id or parent.id
    db.session.add(comment)
    return comment


#: Built once: asked on every post (building a statement costs more than running it).
_BY_TOKEN = select(Comment).where(Comment.author_id == bindparam("author"), Comment.submit_token == bindparam("token"))


def find_by_token(author_id: int, token: str) -> Comment | None:
    return db.session.scalar(_BY_TOKEN, {"author": author_id, "token": token})


def create_comment(target_type, target_id, project, author, text, *, parent=None, token=None,
                   target=None) -> tuple[Comment, bool]:
    """Store and commit a comment; with a token already used by this author, return that comment instead.

    ``target`` is the discussed item when the caller has loaded it already (its owner is told).
    Returns ``(comment, created)``.
    """
    token = valid_token(token)
    if token:
        existing = find_by_token(author.id, token)
        if existing is not None:
            return existing, False
    comment = new_comment(target_type, target_id, project, author, text, parent=parent, token=token)
    tell = notifications.prepare_comment(comment, parent, target)  # who hears of it: read before the first write
    try:
        follow(author, project)  # flushes nothing: a duplicate token fails at the comment's flush, in this try
        tell()
        _commit_keeping_loaded()
    except IntegrityError:
        # The same form arrived twice at once: the other request stored it.
        db.session.rollback()
        existing = find_by_token(author.id, token) if token else None
        if existing is None:
            raise
        return existing, False
    return comment, True


def _commit_keeping_loaded() -> None:
    """COMMIT without expiring the loaded objects: the answer shows the comment just written, its author
    and project as they are, and reading each back after COMMIT cost a query apiece on every post."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def edit_comment(comment: Comment, text: str) -> None:
    text = text.strip()
    if text != comment.text:
        comment.text = text
        comment.html = str(text_to_html(text))
        comment.edited_at = now()
    db.session.commit()


def delete_comment(comment: Comment) -> None:
    """The author withdraws a comment: its text is erased, a placeholder keeps replies in context."""
    comment.status = DELETED
    comment.text = ""
    comment.html = ""
    comment.deleted_at = now()
    db.session.execute(delete(Vote).where(Vote.comment_id == comment.id))
    db.session.commit()


def set_vote(comment: Comment, user, value: int) -> None:
    """Agree (1), disagree (-1) or withdraw (0); one vote per user and comment."""
    comment_id, user_id = comment.id, user.id
    if value == 0:
        db.session.execute(delete(Vote).where(Vote.comment_id == comment_id, Vote.user_id == user_id))
        db.session.commit()
        return
    changed = db.session.execute(
        update(Vote).where(Vote.comment_id == comment_id, Vote.user_id == user_id).values(value=value)
    ).rowcount
    if changed:
        db.session.commit()
        return
    db.session.add(Vote(comment_id=comment_id, user_id=user_id, value=value))
    try:
        db.session.commit()
    except IntegrityError:
        # A second click of the same user arrived at the same moment: update that vote.
        db.session.rollback()
        db.session.execute(
            update(Vote).where(Vote.comment_id == comment_id, Vote.user_id == user_id).values(value=value)
        )
        db.session.commit()


def report_comment(comment: Comment, user, reason: str, text: str) -> bool:
    """Flag a comment; False when this user had reported it already."""
    exists = db.session.scalar(select(Report.id).where(Report.comment_id == comment.id, Report.user_id == user.id))
    if exists:
        return False
    db.session.add(Report(comment_id=comment.id, project_id=comment.project_id, user_id=user.id,
                          reason=reason, text=(text or "").strip()))
    notifications.comment_reported(comment, user, reason)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _log(comment: Comment, moderator, action: str, reason: str = "") -> None:
    db.session.add(ModerationLog(project_id=comment.project_id, comment_id=comment.id,
                                 moderator_id=moderator.id, action=action, reason=reason or ""))


def _resolve_reports(comment_ids: list[int], moderator) -> None:
    db.session.execute(
        update(Report)
        .where(Report.comment_id.in_(comment_ids), Report.resolved_at.is_(None))
        .values(resolved_at=now(), resolved_by_id=moderator.id)
    )


def hide_comment(comment: Comment, moderator, reason: str, *, commit: bool = True) -> bool:
    if comment.status != VISIBLE:
        return False
    comment.status = HIDDEN
    comment.moderation_reason = reason.strip()
    _resolve_reports([comment.id], moderator)
    _log(comment, moderator, "hide", reason)
    notifications.comment_moderated(comment, moderator, "hide", reason.strip())
    if commit:
        db.session.commit()
    return True


def restore_comment(comment: Comment, moderator, *, commit: bool = True) -> bool:
    if comment.status != HIDDEN:
        return False
    comment.status = VISIBLE
    comment.moderation_reason = None
    _log(comment, moderator, "restore")
    notifications.comment_moderated(comment, moderator, "restore")
    if commit:
        db.session.commit()
    return True


def set_remark(comment: Comment, moderator, remark: str) -> None:
    remark = (remark or "").strip()
    if remark == (comment.moderator_remark or ""):
        return
    comment.moderator_remark = remark or None
    _log(comment, moderator, "remark" if remark else "remark_removed", remark)
    if remark:
        notifications.comment_moderated(comment, moderator, "remark", remark)
    db.session.commit()


def dismiss_reports(comment: Comment, moderator, *, commit: bool = True) -> bool:
    open_reports = db.session.scalar(
        select(db.func.count(Report.id)).where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
    )
    if not open_reports:
        return False
    _resolve_reports([comment.id], moderator)
    _log(comment, moderator, "dismiss")
    if commit:
        db.session.commit()
    return True

