"""Tables of the voting plugin: rating votes (with a per-user ballot row) and polls.

Exact counting rests on database constraints, not on checks in Python:

* ``voting_vote``: one row per (phase, item, user): a unique constraint, so two
  clicks or a retried request can never add a second vote.
* ``voting_ballot``: one row per (phase, user), locked while that user's votes
  change; this serialises one person's votes so the "N votes" limit is exact
  (see :func:`plugins.voting.services.rating.set_vote`).
* ``voting_response``: one answer set per (poll, user): unique, so a retried
  submission replaces the answers instead of counting twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import db, item_scope, now, Phase, Project, project_scope, UTCDateTime


class Vote(db.Model):
    """A user's vote on another plugin's item in one rating phase: +1 (support, up) or -1 (down)."""

    __tablename__ = "voting_vote"

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """A vote changes what its item's page shows (core/cache_scopes.py); the phase is loaded already."""
        phase = db.session.get(Phase, row.phase_id)
        return [item_scope(row.item_type, row.item_id, phase.project_id) + "votes/"] if phase is not None else []
    __table_args__ = (
        UniqueConstraint("phase_id", "item_type", "item_id", "user_id", name="uq_voting_vote_once"),
        CheckConstraint("value IN (-1, 1)", name="ck_voting_vote_value"),
        Index("ix_voting_vote_item", "item_type", "item_id", "phase_id"),
        Index("ix_voting_vote_user", "phase_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("core_phase.id", ondelete="CASCADE"))
    item_type: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())


class Ballot(db.Model):
    """One row per user and rating phase; locked while the user's votes in that phase change."""

    __tablename__ = "voting_ballot"
    #: A lock and a counter for the voter, nothing readers see.
    changes_no_content = True
    __table_args__ = (UniqueConstraint("phase_id", "user_id", name="uq_voting_ballot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("core_phase.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    changes: Mapped[int] = mapped_column(Integer, default=0)


class Poll(db.Model):
    """A project's poll (at most one per project), answered during the project's ``poll`` phases."""

    __tablename__ = "voting_poll"

    @staticmethod
    def cache_scopes(row) -> list[str]:
        return [project_scope(row.project_id, f"voting.poll:{row.id}")]

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    project: Mapped[Project] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="poll", order_by="Question.position, Question.id", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "voting_question"

    @staticmethod
    def cache_scopes(row) -> list[str]:
        return poll_scopes(row.poll_id)
    __table_args__ = (
        CheckConstraint("kind IN ('single', 'multiple', 'text')", name="ck_voting_question_kind"),
        CheckConstraint("min_choices >= 0 AND max_choices >= 0", name="ck_voting_question_choices"),
    )

    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("voting_poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(String(500), default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    min_choices: Mapped[int] = mapped_column(Integer, default=0)
    max_choices: Mapped[int] = mapped_column(Integer, default=0)  # 0: no maximum
    max_length: Mapped[int] = mapped_column(Integer, default=2000)

    poll: Mapped[Poll] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position, Option.id", cascade="all, delete-orphan"
    )

    @property
    def project(self) -> Project:
        return self.poll.project

    @property
    def has_options(self) -> bool:
        return self.kind in (self.SINGLE, self.MULTIPLE)


class Option(db.Model):
    __tablename__ = "voting_option"

    @staticmethod
    def cache_scopes(row) -> list[str]:
        question = db.session.get(Question, row.question_id)
        return poll_scopes(question.poll_id) if question is not None else []

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("voting_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(200))

    question: Mapped[Question] = relationship(back_populates="options")


class Response(db.Model):
    """One person's answer set for a poll; replaced as a whole when they change their answers."""

    __tablename__ = "voting_response"

    @staticmethod
    def cache_scopes(row) -> list[str]:
        return poll_scopes(row.poll_id)
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_voting_response_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("voting_poll.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())


class Answer(db.Model):
    """A chosen option (``option_id``) or a free text (``text``) within a response."""

    __tablename__ = "voting_answer"

    @staticmethod
    def cache_scopes(row) -> list[str]:
        question = db.session.get(Question, row.question_id)
        return poll_scopes(question.poll_id) if question is not None else []
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", "option_id", name="uq_voting_answer_option"),
        CheckConstraint("option_id IS NOT NULL OR text IS NOT NULL", name="ck_voting_answer_content"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("voting_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("voting_question.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("voting_option.id", ondelete="CASCADE"))
    text: Mapped[str | None] = mapped_column(Text)


MODELS = [Vote, Ballot, Poll, Question, Option, Response, Answer]


def poll_scopes(poll_id: int) -> list[str]:
    """The scope of a poll's results (core/cache_scopes.py): questions, options and answers change them."""
    poll = db.session.get(Poll, poll_id)
    return Poll.cache_scopes(poll) if poll is not None else []
