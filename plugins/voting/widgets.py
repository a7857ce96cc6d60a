"""The vote widget shown under other plugins' items (through the core's ``item_fragments`` hook)."""
from __future__ import annotations

from typing import Any

from flask import get_template_attribute, request, url_for
from markupsafe import Markup

from core.toolkit import can

from core.toolkit import PhaseState

from .services import VOTE_ACTION, phase_context, rating


def render_widgets(votable, items: list[Any], user: Any, error: str | None = None) -> dict[int, Markup]:
    """``{item.id: Markup}`` for ``items``: one query for counts and own votes per project (lists have one)."""
    by_project: dict[int, list[Any]] = {}
    for item in items:
        by_project.setdefault(item.project.id, []).append(item)
    macro = get_template_attribute("voting/_widget.html", "widget")
    html: dict[int, Markup] = {}
    logged_in = bool(getattr(user, "is_authenticated", False))
    login_url = None if logged_in else url_for("auth.login", next=request.full_path.rstrip("?"))
    for project_items in by_project.values():
        project = project_items[0].project
        ctx = phase_context(project, VOTE_ACTION)
        if ctx.phase is None:
            continue
        mode, limit = rating.mode_of(ctx.phase), rating.limit_of(ctx.phase)
        counts: dict = {}
        mine: dict = {}
        if ctx.state is not PhaseState.UPCOMING:
            counts, mine = rating.counts_and_own_votes(
                votable.type, [i.id for i in project_items], ctx.phase.id, user.id if logged_in else None
            )
        left = None
        may_vote = False
        if ctx.active and logged_in:
            may_vote = bool(can(user, VOTE_ACTION, project_items[0]))
            if may_vote and limit:
                left = max(limit - rating.votes_used(ctx.phase.id, user.id), 0)
        for item in project_items:
            html[item.id] = Markup(
                macro(
                    item_type=votable.type,
                    item_id=item.id,
                    title=votable.title_of(item),
                    phase=ctx.phase,
                    state=str(ctx.state),
                    mode=mode,
                    counts=counts.get(item.id, {"up": 0, "down": 0, "score": 0}),
                    mine=mine.get(item.id, 0),
                    may_vote=may_vote,
                    logged_in=logged_in,
                    limit=limit,
                    left=left,
                    error=error,
                    action=url_for("voting_vote.vote", item_type=votable.type, item_id=item.id),
                    login_url=login_url,
                )
            )
    return html


def render_left(phase, user) -> Markup:
    """An out-of-band update of every "votes left" line of the phase on the page."""
    limit = rating.limit_of(phase)
    if not limit:
        return Markup("")
    macro = get_template_attribute("voting/_widget.html", "votes_left_oob")
    return Markup(macro(phase=phase, left=max(limit - rating.votes_used(phase.id, user.id), 0), limit=limit))
