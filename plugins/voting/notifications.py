"""What voting tells people: someone supports their idea (or another item that has an owner).

``voting.support`` goes to the item's owner (``ItemType.owner``), by default in
the daily digest. It never names the supporter: who voted for what stays
private, as everywhere in this plugin. Called by :mod:`.services` in the
transaction that stores the vote, only for a new supporting vote (not for a
repeated request, a change or a withdrawal).
"""
from __future__ import annotations

from flask import current_app, has_request_context

from core.toolkit import NotificationKind, Phase, _, _l, db, notify

SUPPORT = "voting.support"


def _describe(n) -> str:
    return _("Someone supports your contribution “%(title)s”.", title=n.payload.get("title", ""))


KINDS = (NotificationKind(SUPPORT, _l("Support for my ideas and other contributions"), default="digest",
                          describe=_describe, order=30),)


def vote_added(phase_id: int, item_type: str, item_id: int, user_id: int, value: int) -> None:
    """Tell the owner of the item of a new supporting vote. Adds to the session, does not commit."""
    if value != 1:
        return
    kind = current_app.extensions["mitsprache"].registry.item_types.get(item_type)
    if kind is None or kind.owner is None:
        return
    item = kind.load([item_id]).get(item_id)
    owner = kind.owner(item) if item is not None else None
    if owner is None or owner == user_id:
        return
    phase = db.session.get(Phase, phase_id)
    url = kind.url(item) if has_request_context() else None
    notify(SUPPORT, [owner], project=phase.project, item=item, item_type=item_type, actor=user_id,
           title=kind.title_of(item), url=url or None)
