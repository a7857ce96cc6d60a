"""Which items can be answered: the core's item types whose owners offer ``"responses"``.

The owners (commenting's paragraphs, comments, ideas) declare it in the core;
this plugin never imports them, it only reads the registry.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from core.toolkit import ItemType, abort, can, current_user

CAPABILITY = "responses"


def answerable() -> dict[str, ItemType]:
    """Every item type the organisation can answer, by name."""
    return current_app.extensions["mitsprache"].registry.items_offering(CAPABILITY)


def item_type(name: str) -> ItemType | None:
    return answerable().get(name)


def resolve(name: str, item_id: int, project) -> tuple[ItemType, Any]:
    """The item type and the item of ``project``, or 404 (unknown type, missing, elsewhere, or hidden from the reader)."""
    kind = item_type(name)
    if kind is None:
        abort(404)
    item = kind.load([item_id]).get(item_id)
    if item is None or getattr(item, "project", None) is None or item.project.id != project.id:
        abort(404)
    if kind.visible is not None and not kind.visible(item) and not can(current_user, "project.moderate", project):
        abort(404)
    return kind, item
