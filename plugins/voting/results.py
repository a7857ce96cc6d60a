"""What a voting phase's results page shows: a poll's answers and shares, a rating's most supported items.

The same figures as the poll's own results page (``/p/<slug>/poll/results``),
which everyone may read once the poll has ended. Free-text answers stay with
the initiators, as there. Shares are of the people who answered the question,
so with several answers allowed they can add up to more than 100 %. A fixed
number of queries (``polls.poll_results``), however many questions and answers.

A rating phase names its :data:`TOP` most supported items, by supporters (or,
rated up and down, by votes for minus votes against), with how many people
voted at all. Items their owner took out of participation (hidden by
moderation) are left out, as their votes stopped counting.
"""
from __future__ import annotations

from markupsafe import Markup

from sqlalchemy import func, select

from core.toolkit import Phase, Project, ResultSection, _, db, render_template

from .models import Vote
from .services import polls, rating
from .targets import votables

#: How many of a rating phase's most supported items its results page names.
TOP = 10


def sections(project: Project, phase: Phase) -> list[ResultSection]:
    poll = polls.poll_of(project)
    if poll is None:
        return []
    total, questions = polls.poll_results(poll, with_texts=False)
    html = Markup(render_template("voting/_phase_results.html", poll=poll, total=total, questions=questions))
    return [ResultSection(_("Poll: %(title)s", title=poll.title), html, order=30, key="voting.poll")]


def rating_sections(project: Project, phase: Phase) -> list[ResultSection]:
    """The rating phase's most supported items and how many people voted (two queries, plus one load per item type)."""
    mode = rating.mode_of(phase)
    rows = db.session.execute(
        select(Vote.item_type, Vote.item_id, rating.UP, rating.DOWN)
        .where(Vote.phase_id == phase.id).group_by(Vote.item_type, Vote.item_id)
    ).all()
    score = (lambda row: int(row[2])) if mode == "support" else (lambda row: int(row[2]) - int(row[3]))
    ranked = sorted(rows, key=lambda row: (-score(row), -int(row[2]), row[0], row[1]))
    loaded: dict[str, dict] = {}
    for item_type in {row[0] for row in ranked}:
        votable = votables().get(item_type)
        loaded[item_type] = votable.load(sorted({row[1] for row in ranked if row[0] == item_type})) if votable else {}
    top = []
    for row in ranked:
        item_type, item_id, up, down = row
        item = loaded[item_type].get(item_id)
        if item is None:
            continue  # hidden by moderation or removed: its votes no longer count
        votable = votables()[item_type]
        top.append({"label": votable.title_of(item), "href": votable.url(item), "count": score(row),
                    "up": int(up), "down": int(down)})
        if len(top) == TOP:
            break
    people = db.session.scalar(select(func.count(func.distinct(Vote.user_id))).where(Vote.phase_id == phase.id)) or 0
    html = Markup(render_template("voting/_rating_results.html", top=top, people=people, mode=mode, limit=TOP))
    return [ResultSection(_("Most supported"), html, order=30, key="voting.rating")]
