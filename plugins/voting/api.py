"""The voting plugin's public API for other plugins. Importing it has no side effects.

Other plugins may import this module even when voting is disabled (it touches no
tables on import); everything else in ``plugins.voting`` is internal.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Votable:
    """The older way to make items rateable; new plugins declare an ``ItemType`` offering ``"votes"``.

    ``register_votables`` still accepts these, so plugins written for it keep working.

    ``type`` is the item type passed to ``item_fragments`` (``"idea"``), ``label``
    a plural name for people, ``load(ids)`` returns ``{id: item}`` (one query) for
    the items that exist; each item has ``.project``.

    Optional: ``title(item)`` names an item for screen readers ("Support: Mehr
    Bäume"); ``endpoint`` is the list view (called with ``slug=``) that the rating
    phase's "Take part" button leads to; ``export_key`` is the key of the owner's
    :class:`core.registry.Exporter` whose rows start with the item id (default:
    ``type + "s"``, so ``"ideas"`` for ``"idea"``).
    """

    type: str
    label: Any
    load: Callable[[list[int]], dict[int, Any]]
    title: Callable[[Any], str] | None = None
    endpoint: str | None = None
    export_key: str | None = None

    def as_item_type(self):
        """This declaration as the core's item type (how voting reads every rateable type)."""
        from core.toolkit import ItemType

        return ItemType(self.type, self.label, load=self.load, url=lambda item: "", title=self.title,
                        plural=self.label, endpoint=self.endpoint, export_key=self.export_key,
                        offers=frozenset({"votes"}))


def vote_counts(item_type: str, item_ids: Iterable[int], phase_id: int | None = None) -> dict[int, dict]:
    """``{item_id: {"up": n, "down": m, "score": n - m}}`` in one query, for ids with votes.

    Counts the votes of one rating phase with ``phase_id``; without it, of all
    phases (a project usually has one rating phase). Items without votes are
    missing from the result; use ``.get(id, ZERO)``. Needs an app context and
    the voting plugin enabled.
    """
    from .services.rating import count_votes

    return count_votes(item_type, list(item_ids), phase_id)


def add_vote(phase_id: int, item_type: str, item_id: int, user_id: int, value: int = 1, created_at=None) -> None:
    """Store a vote without checks and without committing: for demo content and imports.

    People's votes go through the vote endpoint, which checks the phase, the limit and
    the permissions. ``value``: 1 (support / up) or -1 (down).
    """
    from core.toolkit import db, now

    from .models import Vote

    db.session.add(Vote(phase_id=phase_id, item_type=item_type, item_id=item_id, user_id=user_id, value=value,
                        created_at=created_at or now()))


#: What :func:`vote_counts` means for an item nobody voted on.
ZERO = {"up": 0, "down": 0, "score": 0}

__all__ = ["Votable", "ZERO", "add_vote", "vote_counts"]
