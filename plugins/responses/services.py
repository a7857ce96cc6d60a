"""Reading and writing official responses: one query per list, one row per item.

Writes go through :func:`save_response` and :func:`delete_response`, which
change the item's status through its owner (``ItemType.set_status``) and tell the
contributor; the core marks the item's cached pages stale from ``Response.cache_scopes``.
The caller commits.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.toolkit import ItemType, clean_html, db, now

from .models import Response
from .notifications import tell_contributor


def responses_for(item_type: str, ids: Iterable[int]) -> dict[int, Response]:
    """``{item_id: Response}`` for the answered ones among ``ids``, in one query."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        return {}
    rows = db.session.scalars(select(Response).where(Response.item_type == item_type, Response.item_id.in_(ids)))
    return {row.item_id: row for row in rows}


def response_for(item_type: str, item_id: int) -> Response | None:
    return responses_for(item_type, [item_id]).get(item_id)


def project_responses(project) -> list[Response]:
    """Every response of ``project``, oldest first (the demo, the results page)."""
    return list(db.session.scalars(
        select(Response).where(Response.project_id == project.id).order_by(Response.created_at, Response.id)))


def save_response(kind: ItemType, item: Any, text: str, author, *, status: str | None = None) -> Response:
    """Write (or replace) the response to ``item``, set its status when the owner keeps one, tell its contributor.

    Two editors may save the first response to an item at the same moment: the
    unique (item_type, item_id) constraint lets one insert win, and the other
    becomes an update of that row, so an item never has two responses.
    """
    html = str(clean_html(text))
    response = response_for(kind.type, item.id)
    first = response is None
    if first:
        response = Response(project_id=item.project.id, item_type=kind.type, item_id=item.id, author_id=author.id,
                            text_html=html, created_at=now())
        try:
            with db.session.begin_nested():
                db.session.add(response)
        except IntegrityError:  # someone else's first response won the race: replace it
            response = response_for(kind.type, item.id)
            first = False
    if not first:
        response.text_html = html
        response.author_id = author.id
        response.updated_at = now()
    if kind.has_statuses:
        kind.set_status(item, status or None)
    tell_contributor(kind, item, response, author, first=first)
    return response


def delete_response(kind: ItemType, item: Any) -> bool:
    """Remove the response to ``item`` (its status stays: it is the owner's data); False if there was none."""
    done = db.session.execute(
        delete(Response).where(Response.item_type == kind.type, Response.item_id == item.id)).rowcount
    return bool(done)


