"""Matchmaking: public bodies' challenges meet initiatives, and they are connected on mutual interest.

Hooks implemented here (a table of contents; the work happens in the modules):

- ``register_models``: :mod:`.models` (tables ``matchmaking_*``); the full-text index of :mod:`.search`
- ``register_phase_kinds``: the ``matchmaking`` kind (organisations, catalogues, interest, messages, wish lists)
  with its settings (expiry of requests, cap on open requests, wish lists)
- ``register_blueprints``: :mod:`.views` (``/p/<slug>/matchmaking``)
- ``register_item_types``: challenges and initiatives, which comments may discuss and voting may rate
- ``project_tabs``, ``manage_links``: the catalogue tab; the organisers' pages
- ``check_permission``: :mod:`.permissions` (who acts for which organisation)
- ``register_exporters``: challenges, initiatives and connections (:mod:`.exports`)
- ``register_commands``: ``mitsprache matchmaking import|reindex`` (:mod:`.cli`)
- ``template_context``: ``matchmaking_contacts(org)``, the one way templates reach contact details;
  ``matchmaking_label`` and ``matchmaking_region`` for facet and region names
- ``register_notification_kinds`` (optional): :mod:`.notify`
- ``user_contributions``, ``delete_user_data`` (optional): :mod:`.personal_data`
- ``seed_demo``: :mod:`.demo`
"""
from __future__ import annotations

from core import hookimpl
from core.toolkit import ManageLink, PhaseKind, PhaseSetting, ProjectTab, _l, known_phases

KIND = "matchmaking"
FEATURES = frozenset({
    "organisation.create", "challenge.create", "initiative.create", "interest.mark", "interest.answer",
    "connection.message", "wishlist.edit",
    # With the comments plugin on, challenges and initiatives are discussed while matchmaking runs.
    "comment.create", "comment.rate",
})


@hookimpl
def register_models(register):
    from . import search
    from .models import MODELS

    search.install()
    for model in MODELS:
        register(model)


@hookimpl
def register_phase_kinds(register):
    register(PhaseKind(
        KIND,
        label=_l("Matchmaking"),
        features=FEATURES,
        description=_l("Public bodies publish challenges, initiatives present what they offer, and both are "
                       "connected when they are interested in each other."),
        endpoint="matchmaking.challenges",
        settings=(
            PhaseSetting("expiry_days", _l("Days until an unanswered request expires"), default=21, min=1),
            PhaseSetting("max_open_requests", _l("Open requests per organisation (0: no limit)"), default=10, min=0),
            PhaseSetting("wishlist", _l("Public bodies rank the initiatives they want to meet (wish lists)"),
                         type="bool", default=False),
            PhaseSetting("wishlist_size", _l("Entries per wish list"), default=10, min=1),
        ),
    ))


@hookimpl
def register_blueprints(register):
    from .views import bp

    register(bp)


@hookimpl
def register_item_types(register):
    from .items import challenge_type, initiative_type

    register(challenge_type())
    register(initiative_type())


@hookimpl
def project_tabs(project):
    if any(phase.kind == KIND for phase in known_phases(project)):
        return [ProjectTab("matchmaking", _l("Matchmaking"), "matchmaking.challenges", order=30)]
    return []


@hookimpl
def manage_links(project):
    if not any(phase.kind == KIND for phase in known_phases(project)):
        return []
    return [
        ManageLink(_l("Matchmaking: organisers' dashboard"), "matchmaking.organisers",
                   _l("Counts, funnel, wish lists, introductions and outcomes"), order=30),
        ManageLink(_l("Matchmaking: fields of action"), "matchmaking.fields",
                   _l("The programme's own taxonomy of Handlungsfelder"), order=31),
        ManageLink(_l("Matchmaking: import catalogues"), "matchmaking.import_catalogue",
                   _l("Challenges and initiatives from CSV or XLSX"), order=32),
        ManageLink(_l("Matchmaking: settings"), "matchmaking.settings",
                   _l("Recommendation weights and organisation kinds"), order=33),
    ]


@hookimpl
def check_permission(user, action, obj, project):
    from .permissions import decide

    return decide(user, action, obj, project)


@hookimpl
def register_exporters(register):
    from .exports import EXPORTERS

    for exporter in EXPORTERS:
        register(exporter)


@hookimpl
def register_commands(cli):
    from .cli import group

    cli.add_command(group)


@hookimpl
def template_context():
    from .facets import label_of
    from .organisations import contacts_for
    from .regions import region_label

    return {"matchmaking_contacts": contacts_for, "matchmaking_label": label_of, "matchmaking_region": region_label}


@hookimpl(optionalhook=True)
def register_notification_kinds(register):
    """New interest, connections, messages, introductions (when the core offers notifications)."""
    from .notify import kinds

    for kind in kinds():
        register(kind)


@hookimpl(optionalhook=True)
def user_contributions(user):
    from .personal_data import contributions

    return contributions(user)


@hookimpl(optionalhook=True)
def delete_user_data(user, mode):
    from .personal_data import remove

    remove(user, mode)


@hookimpl
def seed_demo(demo):
    from .demo import seed

    seed(demo)


@hookimpl
def phase_results(project, phase):
    """The programme's totals on the results page of a matchmaking phase."""
    if phase.kind != KIND:
        return []
    from .results import sections

    return sections(project, phase)
