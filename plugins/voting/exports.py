"""Exports: poll results and raw (anonymous) poll answers; vote columns for other plugins' exports."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.toolkit import db, ExportColumn, Exporter

from .models import Answer, Option, Question, Response, Vote
from .services import VOTE_ACTION, phase_context, polls, rating
from .targets import votables


def _result_rows(project) -> Any:
    poll = polls.poll_of(project)
    if poll is None:
        return
    total, results = polls.poll_results(poll, with_texts=False)
    for number, result in enumerate(results, 1):
        q = result.question
        if q.has_options:
            for option, count, percent in result.options:
                yield [option.id, number, q.text, q.kind, option.text, count, percent, result.respondents, total]
        else:
            yield [None, number, q.text, q.kind, "", result.respondents, None, result.respondents, total]


def _answer_rows(project) -> Any:
    """One row per answer; respondents numbered 1, 2, … instead of names (anonymous)."""
    poll = polls.poll_of(project)
    if poll is None:
        return
    numbers: dict[int, int] = {}
    positions = {q.id: n for n, q in enumerate(poll.questions, 1)}
    query = (
        select(Answer.id, Answer.response_id, Question.id, Question.text, Question.kind, Option.text, Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Option, Option.id == Answer.option_id)
        .where(Response.poll_id == poll.id)
        .order_by(Answer.response_id, Question.position, Question.id, Option.position, Answer.id)
        .execution_options(yield_per=500)
    )
    for answer_id, response_id, question_id, question, kind, option_text, text in db.session.execute(query):
        respondent = numbers.setdefault(response_id, len(numbers) + 1)
        yield [answer_id, respondent, positions.get(question_id), question, kind, option_text if option_text is not None else text]


def register(register):
    register(
        Exporter(
            "poll_results",
            _l("Poll results"),
            headers=lambda project: ["option_id", "question_no", "question", "type", "option", "count", "percent", "answered_question", "respondents"],
            rows=_result_rows,
        )
    )
    register(
        Exporter(
            "poll_answers",
            _l("Poll answers (anonymous)"),
            headers=lambda project: ["answer_id", "respondent", "question_no", "question", "type", "answer"],
            rows=_answer_rows,
        )
    )


def columns(export_key: str, project) -> list[ExportColumn]:
    """Vote counts for the export of a votable item type (``"ideas"`` for ``"idea"``), one query."""
    votable = next((v for v in votables().values() if v.exports_as == export_key), None)
    if votable is None:
        return []
    ctx = phase_context(project, VOTE_ACTION)
    if ctx.phase is None:
        return []
    rows = db.session.execute(
        select(Vote.item_id, rating.UP, rating.DOWN)
        .where(Vote.phase_id == ctx.phase.id, Vote.item_type == votable.type)
        .group_by(Vote.item_id)
    ).all()
    if rating.mode_of(ctx.phase) == "updown":
        return [
            ExportColumn("up", {i: int(u) for i, u, _d in rows}),
            ExportColumn("down", {i: int(d) for i, _u, d in rows}),
            ExportColumn("score", {i: int(u) - int(d) for i, u, d in rows}),
        ]
    return [ExportColumn("supports", {i: int(u) for i, u, _d in rows})]
