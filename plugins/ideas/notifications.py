"""What the ideas plugin tells people: the moderators hid or restored their idea (``ideas.moderated``, at once).

Called in the moderation views, in the transaction that hides or restores
the idea, before it commits. Comments on an idea and support for it reach its
author through the comments and voting plugins (``ItemType.owner``).
"""
from __future__ import annotations

from core.toolkit import NotificationKind, _, _l, notify, url_for

MODERATED = "ideas.moderated"


def _describe(n) -> str:
    if n.payload.get("action") == "hide":
        return _("The moderators hid your idea “%(title)s”. Reason: %(reason)s", title=n.payload.get("title", ""),
                 reason=n.payload.get("reason", ""))
    return _("The moderators made your idea “%(title)s” visible again.", title=n.payload.get("title", ""))


KINDS = (NotificationKind(MODERATED, _l("Moderation of my ideas"), default="immediate", describe=_describe, order=23),)


def idea_moderated(idea, moderator, action: str) -> None:
    """Tell the idea's author that a moderator hid (``action="hide"``, with its reason) or restored it."""
    notify(MODERATED, [idea.author_id], project=idea.project, item=idea, actor=moderator, action=action,
           title=idea.title, reason=(idea.hidden_reason or "") if action == "hide" else "",
           url=url_for("ideas.show", slug=idea.project.slug, idea_id=idea.id))
