"""Responses: after a consultation the organisation answers contributions officially, under its own name.

Items opt in through the core: an ``ItemType`` whose ``offers`` contains
``"responses"`` can be answered (commenting's paragraphs, single comments,
ideas). Editors ("Redaktion"), initiators and site admins write the responses
(the core's ``project.respond``); an item type that declares ``statuses`` gets
a status with the response as its reason. See README.md.

Hooks implemented here (a table of contents; the work happens in the modules):

- ``register_models``: :mod:`.models` (``responses_response``)
- ``register_blueprints``: :mod:`.views` (``/p/<slug>/responses/<item_type>/<id>``)
- ``register_notification_kinds``: the contributor hears of the response (:mod:`.notifications`)
- ``item_fragments``: the "Official response" block under answered items (:mod:`.display`)
- ``export_columns``: "Official response" and "Responded on" in the owners' exports (:mod:`.exports`)
- ``phase_results``, ``item_print_sections``: the responses on a phase's results page and in printed
  records such as the whole draft (:mod:`.results`)
- ``seed_demo``: :mod:`.demo`
- ``user_contributions``, ``delete_user_data``: the responses an editor wrote (:mod:`.account`)
"""
from __future__ import annotations

from core import hookimpl


@hookimpl
def register_models(register):
    from .models import Response

    register(Response)


@hookimpl
def register_blueprints(register):
    from .views import bp

    register(bp)


@hookimpl
def register_notification_kinds(register):
    from .notifications import KINDS

    for kind in KINDS:
        register(kind)


@hookimpl
def item_fragments(item_type, items, user):
    from .display import blocks

    return blocks(item_type, items, user) or None


@hookimpl
def export_columns(export_key, project):
    from .exports import columns

    return columns(export_key, project)


@hookimpl(trylast=True)
def seed_demo(demo):
    """After the other plugins' demos: it answers their content (:mod:`.demo`)."""
    from .demo import seed

    seed(demo)


@hookimpl
def user_contributions(user):
    from .account import contributions

    return contributions(user)


@hookimpl
def delete_user_data(user, mode):
    from .account import delete_data

    delete_data(user, mode)


@hookimpl
def phase_results(project, phase):
    """The responses to the items of the phase's plugin (:mod:`.results`)."""
    from .results import phase_sections

    return phase_sections(project, phase)


@hookimpl
def item_print_sections(item_type, items, user):
    """The responses in a printed record, e.g. the whole draft with its discussions (:mod:`.results`)."""
    from .results import print_sections

    return print_sections(item_type, items) or None
