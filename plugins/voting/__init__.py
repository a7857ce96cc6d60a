"""Voting: rate other plugins' items (``rating`` phases) and answer polls (``poll`` phases).

Works alone. Other plugins make their items votable by declaring them with the
core's ``register_item_types`` (``ItemType(..., offers={"votes"})``; the older
``register_votables`` hook of ``hookspecs.py`` and ``api.py`` still works); the vote buttons
reach their lists through the core's ``item_fragments`` hook, a "Most supported"
order through ``item_sort_options`` and vote counts through ``export_columns``.
Initiators reach the poll builder through ``manage_links`` (the project's management page).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.toolkit import ManageLink, PhaseKind, PhaseSetting, ProjectTab, SortOption

PLUGIN_NAME = "voting"


@hookimpl
def add_hookspecs(plugin_manager):
    from . import hookspecs

    plugin_manager.add_hookspecs(hookspecs)


@hookimpl
def register_models():
    from .models import MODELS

    return MODELS


@hookimpl
def register_phase_kinds(register):
    register(
        PhaseKind(
            "rating",
            label=_l("Rating"),
            features={"vote.cast"},
            description=_l("Participants support or rate the contributions of an earlier phase."),
            endpoint="voting_rate.rate",
            settings=(
                PhaseSetting(
                    "mode", _l("Rating: how people vote"), type="choice", default="support",
                    choices=(("support", _l("Support (one click per item)")), ("updown", _l("Up or down"))),
                ),
                PhaseSetting(
                    "max_votes", _l("Rating: votes per person"), type="int", default=0, min=0,
                    help=_l("For example 3 for “choose your three favourites”. 0: no limit."),
                ),
            ),
        )
    )
    register(
        PhaseKind(
            "poll",
            label=_l("Poll"),
            features={"poll.answer"},
            description=_l("Participants answer the project's poll; they can change their answers until it ends."),
            endpoint="voting.poll",
        )
    )


@hookimpl
def register_notification_kinds(register):
    """"Someone supports my idea", for the owners of rateable items (:mod:`.notifications`)."""
    from .notifications import KINDS

    for kind in KINDS:
        register(kind)


@hookimpl
def register_blueprints():
    from .views import bp, rate_bp, vote_bp

    return [bp, vote_bp, rate_bp]


@hookimpl
def register_exporters(register):
    from .exports import register as register_poll_exports

    register_poll_exports(register)


@hookimpl
def project_tabs(project):
    from core.toolkit import can, current_user

    from .services import POLL_ACTION, phases_with, polls
    from .views import results_visible

    poll = polls.poll_of(project)
    if poll is None:
        if phases_with(project, POLL_ACTION) and can(current_user, "project.manage", project):
            return [ProjectTab("poll", _l("Create the poll"), "voting.manage", order=40)]
        return []
    tabs = [ProjectTab("poll", _l("Poll"), "voting.poll", order=40)]
    if results_visible(project):
        tabs.append(ProjectTab("poll-results", _l("Poll results"), "voting.results", order=41))
    return tabs


@hookimpl
def manage_links(project):
    from .services import POLL_ACTION, phases_with, polls

    if not phases_with(project, POLL_ACTION) and polls.poll_of(project) is None:
        return []
    return [ManageLink(_l("Poll builder"), "voting.manage",
                       _l("Title, introduction and questions of the project's poll; results and downloads"), order=40)]


@hookimpl
def item_fragments(item_type, items, user):
    from .targets import votables

    votable = votables().get(item_type)
    if votable is None:
        return None
    from .widgets import render_widgets

    return render_widgets(votable, items, user)


@hookimpl
def item_sort_options(item_type, project):
    from core.toolkit import PhaseState

    from .services import VOTE_ACTION, phase_context, rating
    from .targets import votables

    if item_type not in votables():
        return []
    ctx = phase_context(project, VOTE_ACTION)
    if ctx.phase is None or ctx.state is PhaseState.UPCOMING:
        return []
    label = _l("Highest rated") if rating.mode_of(ctx.phase) == "updown" else _l("Most supported")
    return [SortOption("support", label, rating.sort_expression(item_type, ctx.phase.id))]


@hookimpl
def export_columns(export_key, project):
    from .exports import columns

    return columns(export_key, project)


@hookimpl
def seed_demo(demo):
    from .demo import seed

    seed(demo)


@hookimpl
def user_contributions(user):
    """A person's votes and poll answers (:mod:`.account`)."""
    from .account import contributions

    return contributions(user)


@hookimpl
def delete_user_data(user, mode):
    from .account import delete_data

    delete_data(user, mode)


@hookimpl
def phase_results(project, phase):
    """The poll's answers on a poll phase's results page; a rating phase's most supported items on its own."""
    from .results import rating_sections, sections

    if phase.kind == "rating":
        return rating_sections(project, phase)
    if phase.kind != "poll":
        return []
    return sections(project, phase)
