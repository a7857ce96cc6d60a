"""The response block shown with an item: the "Official response" marking, organisation, date, status, text.

One block per item, the same markup on every page (``templates/responses/_block.html``):
in lists of items that have their own page it shows the start of the response
and links to the whole; editors get "Edit" and "Delete", or "Write an official
response" where there is none yet.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from core.toolkit import can, current_page, current_user, render_template

from .items import item_type as find_item_type
from .services import responses_for


def heading_level(kind, compact: bool) -> int:
    """Fits the host page: inside a comment (h4), on a card of a list (h3), on the item's own page (h2)."""
    if kind.type == "comment":
        return 4
    return 3 if compact else 2


def blocks(item_type: str, items: list[Any], user, status_message: str | None = None) -> dict[int, Markup]:
    """``{item.id: Markup}`` for the items that have a response, or all of them for those who may respond."""
    kind = find_item_type(item_type)
    if kind is None or not items:
        return {}
    found = responses_for(kind.type, [item.id for item in items])
    # A list belongs to one project; the policy caches the roles per request anyway.
    may_respond: dict[int, bool] = {}
    compact = len(items) > 1 and kind.endpoint is not None
    back = current_page()
    out = {}
    for item in items:
        project = item.project
        if project.id not in may_respond:
            may_respond[project.id] = bool(can(user, "project.respond", project))
        response = found.get(item.id)
        if response is None and not may_respond[project.id]:
            continue
        out[item.id] = Markup(render_template(
            "responses/_block.html", kind=kind, item=item, project=project, response=response,
            may_respond=may_respond[project.id], compact=compact, level=heading_level(kind, compact),
            status_label=kind.status_label(kind.status_of(item)) if kind.has_statuses else "",
            status_message=status_message, back=back,
        ))
    return out


def render_block(kind, item, status_message: str | None = None) -> str:
    """One item's block for an htmx swap, with a message for screen readers."""
    return blocks(kind.type, [item], current_user, status_message).get(item.id, Markup(""))
