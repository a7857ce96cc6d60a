"""What the responses plugin tells people: their contribution got an official response (at once).

Sent to the item's contributor (``ItemType.owner``) in the transaction that
stores the response; editing it later does not send another.
"""
from __future__ import annotations

from core.toolkit import NotificationKind, _, _l, notify

ANSWERED = "responses.answered"


def _describe(n) -> str:
    return _("%(organisation)s officially responded to your contribution “%(title)s”.",
             organisation=n.payload.get("organisation", ""), title=n.payload.get("title", ""))


KINDS = (NotificationKind(ANSWERED, _l("Official responses to my contributions"), default="immediate",
                          describe=_describe, order=30),)


def tell_contributor(kind, item, response, author, *, first: bool) -> None:
    """Tell the item's contributor of its first official response (their settings decide how)."""
    if not first or kind.owner is None:
        return
    owner = kind.owner(item)
    if owner is None:
        return
    notify(ANSWERED, [owner], project=item.project, item_type=kind.type, item_id=item.id, actor=author,
           title=kind.title_of(item)[:120], organisation=item.project.organisation_name,
           url=kind.url(item))
