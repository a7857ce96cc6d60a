"""The one reorder helper: move a thing one place up or down among its siblings.

Phases of a project, chapters of a document, questions of a poll: anything with
an integer ``position`` that its list is ordered by. The view checks the
direction and the permission, then::

    from core.toolkit import reorder

    @bp.post("/questions/<int:question_id>/move/<direction>")
    def question_move(slug, question_id, direction):
        ...                                        # load, require("project.manage", project)
        if reorder(list(poll.questions), question, direction):
            db.session.commit()
"""
from __future__ import annotations

from typing import Any

#: The directions :func:`reorder` understands (views answer anything else with 400 or 404).
DIRECTIONS = ("up", "down")


def reorder(items: list[Any], item: Any, direction: str) -> bool:
    """Swap ``item`` with its neighbour in ``items`` ("up": the one before it) and renumber every ``position``.

    ``items`` is the whole list in its current order; it is changed in place, and each
    entry's ``position`` becomes its index (so gaps and duplicates left by deletions
    disappear too). Returns False, changing nothing, when ``item`` is already first
    (moving up) or last (moving down). Does not commit.
    """
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, entry in enumerate(items):
        entry.position = position
    return True
