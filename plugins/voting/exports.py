"""Exports: poll results and raw (anonymous) poll answers; vote columns for other plugins' exports."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.toolkit import db, ExportColumn, Exporter

from .models import Answer, Option, Question, Response, Vote
from .services import VOTE_ACTION, phase_context, polls, rating
from .targets import votables


def kind_labels() -> dict[str, str]:
    """A question's kind as the poll builder names it."""
    return {"single": _("Single choice"), "multiple": _("Multiple choice"), "text": _("Free text")}


def _result_rows(project) -> Any:
    """One row per option (a text question: one row); the first cell, the option's key, is not shown."""
    poll = polls.poll_of(project)
    if poll is None:
        return
    kinds = kind_labels()
    total, results = polls.poll_results(poll, with_texts=False)
    for number, result in enumerate(results, 1):
        q = result.question
        kind = kinds.get(q.kind, q.kind)
        if q.has_options:
            for option, count, percent in result.options:
                yield [option.id, number, q.text, kind, option.text, count, percent, result.respondents, total]
        else:
            yield [None, number, q.text, kind, "", result.respondents, None, result.respondents, total]


def _answer_rows(project) -> Any:
    """One row per answer; respondents numbered 1, 2, … instead of names (anonymous)."""
    poll = polls.poll_of(project)
    if poll is None:
        return
    kinds = kind_labels()
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
        yield [answer_id, respondent, positions.get(question_id), question, kinds.get(kind, kind), option_text if option_text is not None else text]


def register(register):
    register(
        Exporter(
            "poll_results",
            _l("Poll results"),
            headers=lambda project: [
                _("Question no."), _("Question"), _("Type"), _("Option"), _("Count"), _("Percent"),
                _("Answered this question"), _("Respondents"),
            ],
            rows=_result_rows,
            id_column=False,
        )
    )
    register(
        Exporter(
            "poll_answers",
            _l("Poll answers (anonymous)"),
            headers=lambda project: [_("Respondent"), _("Question no."), _("Question"), _("Type"), _("Answer")],
            rows=_answer_rows,
            id_column=False,
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
            ExportColumn(_("Up votes"), {i: int(u) for i, u, _d in rows}),
            ExportColumn(_("Down votes"), {i: int(d) for i, _u, d in rows}),
            ExportColumn(_("Score"), {i: int(u) - int(d) for i, u, d in rows}),
        ]
    return [ExportColumn(_("Supports"), {i: int(u) for i, u, _d in rows})]
