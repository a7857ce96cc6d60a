"""What the voting plugin keeps about a person, for their data download and for deleting their account.

Their votes in rating phases and their poll answers (``user_contributions``).
When the account is deleted (``delete_user_data``):

- free-text poll answers go in any case: they were written for the
  organisers, not published under a name, and may say anything about the
  person; chosen options stay (``keep``), so results stay exact;
- ``remove`` deletes the votes, ballots and answer sets too: the counts drop
  by that person's votes, as if they had withdrawn them.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from core.toolkit import Contribution, Phase, db

from .models import Answer, Ballot, Option, Poll, Question, Response, Vote
from .services.rating import mode_of


def _vote_label(phase: Phase, value: int):
    if mode_of(phase) == "updown":
        return _l("Voted up") if value > 0 else _l("Voted down")
    return _l("Supported")


def _items(votes) -> dict[tuple[str, int], tuple]:
    """``{(type, id): (item type, item)}`` for the voted items that still exist, one load per type."""
    types = current_app.extensions["mitsprache"].registry.item_types
    wanted: dict[str, set[int]] = {}
    for vote, _phase in votes:
        wanted.setdefault(vote.item_type, set()).add(vote.item_id)
    found = {}
    for name, ids in wanted.items():
        if name in types:
            for item_id, item in types[name].load(sorted(ids)).items():
                found[(name, item_id)] = (types[name], item)
    return found


def _vote_contributions(user) -> list[Contribution]:
    votes = db.session.execute(
        select(Vote, Phase).join(Phase, Phase.id == Vote.phase_id).options(joinedload(Phase.project))
        .where(Vote.user_id == user.id).order_by(Vote.id)
    ).all()
    items = _items(votes)
    found = []
    for vote, phase in votes:
        item_type, item = items.get((vote.item_type, vote.item_id), (None, None))
        title = (f"{item_type.label}: {item_type.title_of(item)}" if item is not None
                 else f"{vote.item_type} {vote.item_id}")
        found.append(Contribution(
            "vote", _vote_label(phase, vote.value), phase.project, title, vote.created_at,
            url=item_type.url(item) if item is not None else None,
            data={"item_type": vote.item_type, "item_id": vote.item_id, "item": title, "value": vote.value,
                  "phase": phase.title, "created_at": vote.created_at},
        ))
    return found


def _poll_contributions(user) -> list[Contribution]:
    responses = db.session.execute(
        select(Response, Poll).join(Poll, Poll.id == Response.poll_id).options(joinedload(Poll.project))
        .where(Response.user_id == user.id).order_by(Response.id)
    ).all()
    if not responses:
        return []
    answers = db.session.execute(
        select(Answer.response_id, Question.text, Option.text, Answer.text)
        .join(Question, Question.id == Answer.question_id).outerjoin(Option, Option.id == Answer.option_id)
        .where(Answer.response_id.in_([response.id for response, _poll in responses]))
        .order_by(Answer.response_id, Question.position, Question.id, Option.position, Option.id)
    ).all()
    by_response: dict[int, list[dict]] = {}
    for response_id, question, option, text in answers:
        by_response.setdefault(response_id, []).append({"question": question, "answer": option if option else text})
    return [
        Contribution("poll_answers", _l("Poll answers"), poll.project, poll.title, response.created_at,
                     url=url_for("voting.poll", slug=poll.project.slug),
                     data={"poll": poll.title, "created_at": response.created_at, "updated_at": response.updated_at,
                           "answers": by_response.get(response.id, [])})
        for response, poll in responses
    ]


def contributions(user) -> list[Contribution]:
    """The person's votes (with what they voted on) and poll answer sets, in four queries plus item titles."""
    return _vote_contributions(user) + _poll_contributions(user)


def delete_data(user, mode: str) -> None:
    """Free-text answers always; with ``remove`` also votes, ballots and answer sets (module docstring)."""
    own = select(Response.id).where(Response.user_id == user.id).scalar_subquery()
    db.session.execute(delete(Answer).where(Answer.response_id.in_(own), Answer.option_id.is_(None))
                       .execution_options(synchronize_session=False))
    if mode != "remove":
        return
    db.session.execute(delete(Vote).where(Vote.user_id == user.id).execution_options(synchronize_session=False))
    db.session.execute(delete(Ballot).where(Ballot.user_id == user.id).execution_options(synchronize_session=False))
    db.session.execute(delete(Answer).where(Answer.response_id.in_(own)).execution_options(synchronize_session=False))
    db.session.execute(delete(Response).where(Response.user_id == user.id).execution_options(synchronize_session=False))
