"""The poll's results on a poll phase's results page: every question with its answers and shares.

The same figures as the poll's own results page (``/p/<slug>/poll/results``),
which everyone may read once the poll has ended. Free-text answers stay with
the initiators, as there. Shares are of the people who answered the question,
so with several answers allowed they can add up to more than 100 %. A fixed
number of queries (``polls.poll_results``), however many questions and answers.
"""
from __future__ import annotations

from markupsafe import Markup

from core.toolkit import Phase, Project, ResultSection, _, render_template

from .services import polls


def sections(project: Project, phase: Phase) -> list[ResultSection]:
    poll = polls.poll_of(project)
    if poll is None:
        return []
    total, questions = polls.poll_results(poll, with_texts=False)
    html = Markup(render_template("voting/_phase_results.html", poll=poll, total=total, questions=questions))
    return [ResultSection(_("Poll: %(title)s", title=poll.title), html, order=30, key="voting.poll")]
