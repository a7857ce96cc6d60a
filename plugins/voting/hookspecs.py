"""Hooks the voting plugin offers to other plugins (added through the core's ``add_hookspecs``).

Implement them with ``@hookimpl(optionalhook=True)`` so your plugin still starts
when voting is disabled::

    from core import hookimpl

    @hookimpl(optionalhook=True)
    def register_votables(register):
        from plugins.voting.api import Votable
        register(Votable("idea", _l("Ideas"), load=load_ideas, endpoint="ideas.index"))
"""
from __future__ import annotations

from typing import Any, Callable

import pluggy

hookspec = pluggy.HookspecMarker("mitsprache")


@hookspec
def register_votables(register: Callable[[Any], None]) -> None:
    """Declare item types people may rate by calling ``register(Votable(...))``.

    Called once per app, the first time voting needs the list. ``Votable.load(ids)``
    must return ``{id: item}`` for the ids that exist (and may be rated); each item
    has ``.id`` and ``.project`` (a core ``Project``).
    """
