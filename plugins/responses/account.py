"""An editor's responses in their data download, and what account deletion does to them.

A response speaks for the organisation, not for the person who typed it, so it
stays when their account goes (in both deletion modes); only the link to the
person is removed.
"""
from __future__ import annotations

from sqlalchemy import select, update

from core.toolkit import Contribution, _l, db, plain_text

from .items import answerable
from .models import Response


def contributions(user) -> list[Contribution]:
    rows = db.session.scalars(select(Response).where(Response.author_id == user.id).order_by(Response.id)).all()
    kinds = answerable()
    loaded = {}  # one load per item type, not one per response
    for name in {row.item_type for row in rows} & set(kinds):
        loaded[name] = kinds[name].load([row.item_id for row in rows if row.item_type == name])
    found = []
    for row in rows:
        kind = kinds.get(row.item_type)
        item = loaded.get(row.item_type, {}).get(row.item_id)
        found.append(Contribution(
            "response", _l("Official response"), row.project, plain_text(row.text_html)[:80], row.created_at,
            url=kind.url(item) if item is not None else None,
            data={"id": row.id, "item_type": row.item_type, "item_id": row.item_id, "text_html": row.text_html,
                  "created_at": row.created_at, "updated_at": row.updated_at},
        ))
    return found


def delete_data(user, mode: str) -> None:
    db.session.execute(update(Response).where(Response.author_id == user.id).values(author_id=None))
