"""What people can rate: the core's item types whose owners offer ``"votes"``.

Owners declare their things once, in the core (``register_item_types`` with
``ItemType(..., offers={"votes"})``); voting never imports them. Items the
owner's moderators took out of participation (``ItemType.hidden``) cannot be
rated and their votes stop counting. Plugins written for the older
``register_votables`` hook keep working: each :class:`~plugins.voting.api.Votable`
is read as an item type offering votes.
"""
from __future__ import annotations

from dataclasses import replace

from flask import current_app

from core.toolkit import ItemType

CAPABILITY = "votes"


def votables() -> dict[str, ItemType]:
    """Every item type people can rate, by name, each loading only active items; collected once per app."""
    state = current_app.extensions.setdefault("voting", {})
    if "votables" not in state:
        found = {name: replace(item, load=item.load_active, hidden=None)
                 for name, item in current_app.extensions["mitsprache"].registry.items_offering(CAPABILITY).items()}
        hook = getattr(current_app.extensions["mitsprache"].pm.hook, "register_votables", None)
        if hook is not None:
            hook(register=lambda votable: found.__setitem__(votable.type, votable.as_item_type()))
        state["votables"] = found
    return state["votables"]
