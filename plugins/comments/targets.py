"""What people can discuss: the core's item types whose owners offer ``"comments"``.

Owners declare their things once, in the core (``register_item_types`` with
``ItemType(..., offers={"comments"})``); this plugin never imports them. Plugins
written for the older ``register_commentables`` hook keep working: each
:class:`~plugins.comments.api.Commentable` they register is read as an item
type offering comments.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from core.toolkit import ItemType

CAPABILITY = "comments"
RESERVED_TYPES = frozenset({"c", "moderation"})  # path segments the comment URLs use


def discussable() -> dict[str, ItemType]:
    """Every item type people can discuss, by name; collected once per app."""
    ext = current_app.extensions
    found = ext.get("comments.targets")
    if found is None:
        found = dict(ext["mitsprache"].registry.items_offering(CAPABILITY))

        def register(commentable) -> None:
            item = commentable.as_item_type() if hasattr(commentable, "as_item_type") else commentable
            if item.type in RESERVED_TYPES or "/" in item.type:
                raise ValueError(f"{item.type!r} cannot be a commentable type name")
            if item.type in found:
                raise ValueError(f"commentable type {item.type!r} registered twice")
            found[item.type] = item

        ext["mitsprache"].pm.hook.register_commentables(register=register)
        ext["comments.targets"] = found
    return found


def target_type(name: str) -> ItemType | None:
    """The item type ``name`` if people can discuss it, else None."""
    return discussable().get(name)


def visible_to_reader(item_type: ItemType, obj: Any) -> bool:
    """Whether the owner lets the current user see ``obj`` (and so its discussion)."""
    return item_type.visible is None or bool(item_type.visible(obj))
