"""Polls: the project's poll, a person's answers (stored all or nothing) and the results.

Which poll phase counts: ``phase_context(project, POLL_ACTION)`` (:mod:`plugins.voting.services`),
whose docstring also explains why a submission never counts twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from core.toolkit import conflict_insert, db, follow, now, Project

from ..models import Answer, Option, Poll, Question, Response
from . import RETRIES


def poll_of(project: Project) -> Poll | None:
    """The project's poll (there is at most one), or None."""
    return db.session.scalar(select(Poll).where(Poll.project_id == project.id))


def poll_has_answers(poll: Poll) -> bool:
    """Whether anybody answered: then the questions are frozen."""
    return db.session.scalar(select(Response.id).where(Response.poll_id == poll.id).limit(1)) is not None


def own_answers(poll: Poll, user_id: int) -> tuple[Response | None, dict[int, Any]]:
    """The user's response and ``{question_id: [option ids] or text}``."""
    response = db.session.scalar(select(Response).where(Response.poll_id == poll.id, Response.user_id == user_id))
    if response is None:
        return None, {}
    values: dict[int, Any] = {}
    for answer in db.session.scalars(select(Answer).where(Answer.response_id == response.id)):
        if answer.option_id is not None:
            values.setdefault(answer.question_id, []).append(answer.option_id)
        else:
            values[answer.question_id] = answer.text
    return response, values


def write_response(poll_id: int, user_id: int, answers: dict[int, Any], questions: dict[int, Question]) -> None:
    """Replace the user's answers in the caller's transaction, without checks or commit (demo content uses it too)."""
    at = now()
    db.session.execute(
        conflict_insert(Response)
        .values(poll_id=poll_id, user_id=user_id, created_at=at, updated_at=at)
        .on_conflict_do_nothing(index_elements=["poll_id", "user_id"])
    )
    # Locks the response row until commit (see plugins.voting.services).
    db.session.execute(
        update(Response)
        .where(Response.poll_id == poll_id, Response.user_id == user_id)
        .values(updated_at=at)
        .execution_options(synchronize_session=False)
    )
    response_id = db.session.scalar(
        select(Response.id).where(Response.poll_id == poll_id, Response.user_id == user_id)
    )
    db.session.execute(delete(Answer).where(Answer.response_id == response_id).execution_options(synchronize_session=False))
    rows = []
    for question_id, value in answers.items():
        if questions[question_id].has_options:
            rows += [dict(response_id=response_id, question_id=question_id, option_id=o, text=None) for o in value]
        elif value:
            rows.append(dict(response_id=response_id, question_id=question_id, option_id=None, text=value))
    if rows:
        db.session.execute(conflict_insert(Answer), rows)


def save_response(poll: Poll, user_id: int, answers: dict[int, Any]) -> None:
    """Store the user's validated answers, replacing earlier ones, all or nothing; commits."""
    poll_id = poll.id
    questions = {q.id: q for q in poll.questions}
    for attempt in range(RETRIES):
        try:
            write_response(poll_id, user_id, answers, questions)
            follow(user_id, poll.project_id)
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise


@dataclass
class QuestionResult:
    question: Question
    respondents: int  # people who answered this question
    options: list[tuple[Option, int, float]]  # option, count, percent of respondents
    texts: list[str]


def poll_results(poll: Poll, with_texts: bool) -> tuple[int, list[QuestionResult]]:
    """Total respondents and per-question results, in three queries (four with free texts)."""
    total = db.session.scalar(select(func.count(Response.id)).where(Response.poll_id == poll.id)) or 0
    option_counts = dict(
        db.session.execute(
            select(Answer.option_id, func.count(Answer.id))
            .join(Response, Response.id == Answer.response_id)
            .where(Response.poll_id == poll.id, Answer.option_id.is_not(None))
            .group_by(Answer.option_id)
        ).all()
    )
    answered = dict(
        db.session.execute(
            select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
            .join(Response, Response.id == Answer.response_id)
            .where(Response.poll_id == poll.id)
            .group_by(Answer.question_id)
        ).all()
    )
    texts: dict[int, list[str]] = {}
    if with_texts:
        # Sorted alphabetically, without names or times, so answers cannot be linked to people
        # or to each other across questions.
        for question_id, text in db.session.execute(
            select(Answer.question_id, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.poll_id == poll.id, Answer.text.is_not(None))
            .order_by(Answer.question_id, func.lower(Answer.text))
        ):
            texts.setdefault(question_id, []).append(text)
    results = []
    for question in poll.questions:
        respondents = int(answered.get(question.id, 0))
        options = []
        for option in question.options:
            count = int(option_counts.get(option.id, 0))
            options.append((option, count, round(100 * count / respondents, 1) if respondents else 0.0))
        results.append(QuestionResult(question, respondents, options, texts.get(question.id, [])))
    return int(total), results
