"""Challenges and initiatives as item types of the core registry: other plugins discuss and rate them.

With the comments plugin on, people discuss a challenge; with voting on, a
rating phase lets them support challenges. Neither plugin knows this one: they
read :class:`core.toolkit.ItemType` entries, and a challenge page shows their
widgets through ``item_fragments("challenge", [challenge])``.
"""
from __future__ import annotations

from core.toolkit import ItemType, _l, can, current_user, url_for

from .catalogue import load


def _visible(item) -> bool:
    return bool(can(current_user, "project.view", item.project))


def challenge_type() -> ItemType:
    return ItemType(
        "challenge", _l("Challenge"),
        load=lambda ids: load("challenge", ids),
        url=lambda c: url_for("matchmaking.challenge", slug=c.project.slug, item_id=c.id),
        title=lambda c: c.title, visible=_visible, offers={"comments", "votes"}, plural=_l("Challenges"),
        endpoint="matchmaking.challenges", export_key="challenges",
    )


def initiative_type() -> ItemType:
    return ItemType(
        "initiative", _l("Initiative"),
        load=lambda ids: load("initiative", ids),
        url=lambda i: url_for("matchmaking.initiative", slug=i.project.slug, item_id=i.id),
        title=lambda i: i.name, visible=_visible, offers={"comments"}, plural=_l("Initiatives"),
        endpoint="matchmaking.initiatives", export_key="initiatives",
    )
