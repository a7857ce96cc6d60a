"""The programme's figures on a matchmaking phase's results page: who took part and how many met.

Only totals, never names: the pairs themselves are the organisations' own
business. Counts come from :func:`.stats.overview_counts` (a fixed handful of
queries), the same numbers the organisers' statistics page starts with.
"""
from __future__ import annotations

from markupsafe import Markup

from core.toolkit import Phase, Project, ResultSection, _, render_template

from .stats import overview_counts


def sections(project: Project, phase: Phase) -> list[ResultSection]:
    counts = overview_counts(project)
    html = Markup(render_template("matchmaking/_phase_results.html", counts=counts))
    return [ResultSection(_("Matchmaking"), html, order=40, key="matchmaking.counts")]
