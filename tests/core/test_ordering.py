"""The one reorder helper: phases, chapters and questions move up and down the same way."""
from __future__ import annotations

from types import SimpleNamespace

from core.toolkit import reorder


def _items(*positions):
    return [SimpleNamespace(name=name, position=position) for name, position in zip("abcd", positions)]


def test_reorder_swaps_with_the_neighbour_and_renumbers():
    items = _items(0, 3, 7, 9)  # gaps left by deletions close as well
    a, b, c, d = items
    assert reorder(items, c, "up")
    assert [item.name for item in items] == ["a", "c", "b", "d"]
    assert [a.position, c.position, b.position, d.position] == [0, 1, 2, 3]
    assert reorder(items, a, "down")
    assert [item.name for item in items] == ["c", "a", "b", "d"]


def test_reorder_at_either_end_changes_nothing():
    items = _items(0, 1, 2)
    first, _, last = items
    assert not reorder(items, first, "up")
    assert not reorder(items, last, "down")
    assert [item.name for item in items] == ["a", "b", "c"] and [item.position for item in items] == [0, 1, 2]
