"""What the comments plugin keeps about a person, for their data download and for deleting their account.

A person's comments and replies, their agree/disagree ratings of others'
comments and their reports to the moderators (``user_contributions``); and
what goes when the account is deleted (``delete_user_data``):

- ``keep``: nothing here: the comments stay under the core's "deleted
  account", so replies keep their context and every count stays exact;
- ``remove``: each comment is withdrawn as its author would withdraw it (text
  erased, a placeholder keeps others' replies in context, its ratings go),
  and the person's own ratings and reports are deleted.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from core.toolkit import Contribution, db, excerpt, now

from .models import AGREE, DELETED, Comment, Report, Vote
from .targets import discussable


def _target_titles(comments: list[Comment]) -> dict[tuple[str, int], str]:
    """``{(target_type, target_id): "Idea: Mehr Bäume"}``, one load per target type."""
    wanted: dict[str, set[int]] = {}
    for comment in comments:
        wanted.setdefault(comment.target_type, set()).add(comment.target_id)
    titles = {}
    types = discussable()
    for target_type, ids in wanted.items():
        item_type = types.get(target_type)
        if item_type is None:
            continue
        for target_id, item in item_type.load(sorted(ids)).items():
            titles[(target_type, target_id)] = f"{item_type.label}: {item_type.title_of(item)}"
    return titles


def _comment_data(comment: Comment, titles: dict) -> dict:
    return {
        "id": comment.id, "text": comment.text, "status": comment.status,
        "on": titles.get((comment.target_type, comment.target_id), f"{comment.target_type} {comment.target_id}"),
        "target_type": comment.target_type, "target_id": comment.target_id, "reply_to": comment.parent_id,
        "created_at": comment.created_at, "edited_at": comment.edited_at, "deleted_at": comment.deleted_at,
        "moderation_reason": comment.moderation_reason, "moderator_remark": comment.moderator_remark,
    }


def contributions(user) -> list[Contribution]:
    """The person's comments and replies, ratings of comments and reports, in three queries (plus target titles)."""
    comments = list(db.session.scalars(
        select(Comment).options(joinedload(Comment.project)).where(Comment.author_id == user.id).order_by(Comment.id)
    ))
    votes = db.session.execute(
        select(Vote, Comment).join(Comment, Comment.id == Vote.comment_id).options(joinedload(Comment.project))
        .where(Vote.user_id == user.id).order_by(Vote.id)
    ).all()
    reports = db.session.execute(
        select(Report, Comment).join(Comment, Comment.id == Report.comment_id).options(joinedload(Comment.project))
        .where(Report.user_id == user.id).order_by(Report.id)
    ).all()
    titles = _target_titles(comments + [comment for _vote, comment in votes] + [c for _r, c in reports])
    found = []
    for comment in comments:
        reply = comment.parent_id is not None
        kind, label = ("reply", _l("Reply to a comment")) if reply else ("comment", _l("Comment"))
        title = excerpt(comment.html, 100) if comment.status != DELETED else str(_l("(withdrawn)"))
        found.append(Contribution(
            kind, label, comment.project, title, comment.created_at,
            url=url_for("comments.comment_page", comment_id=comment.id), data=_comment_data(comment, titles),
        ))
    for vote, comment in votes:
        label = _l("Agreed with a comment") if vote.value == AGREE else _l("Disagreed with a comment")
        found.append(Contribution(
            "comment_rating", label, comment.project, excerpt(comment.html, 100), vote.created_at,
            url=url_for("comments.comment_page", comment_id=comment.id),
            data={"comment_id": comment.id, "value": "agree" if vote.value == AGREE else "disagree",
                  "created_at": vote.created_at},
        ))
    for report, comment in reports:
        found.append(Contribution(
            "report", _l("Report to the moderators"), comment.project, excerpt(comment.html, 100), report.created_at,
            data={"comment_id": comment.id, "reason": report.reason, "text": report.text,
                  "created_at": report.created_at, "resolved_at": report.resolved_at},
        ))
    return found


def delete_data(user, mode: str) -> None:
    """Withdraw the person's comments and delete their ratings and reports (``remove``); nothing for ``keep``."""
    if mode != "remove":
        return
    own = select(Comment.id).where(Comment.author_id == user.id).scalar_subquery()
    db.session.execute(delete(Vote).where(Vote.comment_id.in_(own)).execution_options(synchronize_session=False))
    db.session.execute(delete(Vote).where(Vote.user_id == user.id).execution_options(synchronize_session=False))
    db.session.execute(delete(Report).where(Report.user_id == user.id).execution_options(synchronize_session=False))
    db.session.execute(
        update(Comment).where(Comment.author_id == user.id, Comment.status != DELETED)
        .values(status=DELETED, text="", html="", moderator_remark=None, deleted_at=now())
        .execution_options(synchronize_session=False)
    )
