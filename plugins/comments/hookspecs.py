"""Hooks the comments plugin offers to other plugins (added through the core's ``add_hookspecs``)."""
from __future__ import annotations

from typing import Any, Callable

import pluggy

hookspec = pluggy.HookspecMarker("mitsprache")


@hookspec
def register_commentables(register: Callable[[Any], None]) -> None:
    """Make objects of a type commentable: ``register(Commentable("idea", _l("Idea"), load, url))``.

    ``load(ids)`` returns ``{id: obj}`` (each ``obj`` has ``.project``) in one
    query; ``url(obj)`` links to where the object is shown, with an anchor.
    Called once per app, the first time comments need the list.
    """
