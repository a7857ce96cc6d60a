"""Tables of the comments plugin: comments, votes, reports and the moderation log.

A comment belongs to the project of its target; ``project_id`` is stored so
per-project queries (moderation queue, exports, statistics) need no join through
other plugins' tables. Replies keep their direct ``parent_id`` and the top-level
``root_id``, so a whole reply chain loads with one indexed query.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import db, item_scope, now, Project, User, UTCDateTime

VISIBLE, HIDDEN, DELETED = "visible", "hidden", "deleted"
AGREE, DISAGREE = 1, -1


class Comment(db.Model):
    __tablename__ = "comments_comment"
    __table_args__ = (
        UniqueConstraint("author_id", "submit_token", name="uq_comments_comment_author_token"),
        # A thread's page in reading order straight from the index (newest or oldest first, LIMIT 21),
        # instead of sorting all of a busy paragraph's comments for every page.
        Index("ix_comments_comment_thread_order", "target_type", "target_id", "parent_id", "created_at", "id"),
        Index("ix_comments_comment_project", "project_id", "target_type", "target_id"),
        # A thread's count (every page and every post shows it) read from the index alone, without
        # visiting each comment's row for its status.
        Index("ix_comments_comment_target_status", "target_type", "target_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments_comment.id", ondelete="CASCADE"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments_comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    #: What the author typed (plain text); ``html`` is its safe rendering.
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    submit_token: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=VISIBLE)
    moderation_reason: Mapped[str | None] = mapped_column(String(300))
    moderator_remark: Mapped[str | None] = mapped_column(Text)

    project: Mapped[Project] = relationship()
    author: Mapped[User] = relationship()

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """A comment changes its target's discussion (core/cache_scopes.py): ``…/<target>/comments/``."""
        return [item_scope(row.target_type, row.target_id, row.project_id) + "comments/"]

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.target_type}:{self.target_id}>"


class Vote(db.Model):
    """One agree (+1) or disagree (-1) per user and comment; the unique constraint enforces it."""

    __tablename__ = "comments_vote"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_comments_vote_comment_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments_comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """A vote changes the counts shown in its comment's discussion (the comment is usually loaded already)."""
        comment = db.session.get(Comment, row.comment_id)
        return Comment.cache_scopes(comment) if comment is not None else []


class Report(db.Model):
    """A participant flags a comment for the moderators, once per comment."""

    __tablename__ = "comments_report"
    #: Only moderators see reports, on pages never cached: readers' pages stay valid (core/cache_scopes.py).
    changes_no_content = True
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_comments_report_comment_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments_comment.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    #: Set when a moderator dealt with the report (hid the comment or dismissed the report).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ModerationLog(db.Model):
    """Every moderation action: who did what to which comment, when and why."""

    __tablename__ = "comments_moderation_log"
    #: The hidden or restored comment itself changes; its log entry is for moderators only.
    changes_no_content = True

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments_comment.id", ondelete="CASCADE"))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # hide, restore, remark, remark_removed, dismiss
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    moderator: Mapped[User | None] = relationship()


MODELS = [Comment, Vote, Report, ModerationLog]
