"""Whole numbers from outside (URLs, forms, query strings), bounded to what the database can hold.

Both databases store integers in at most 64 signed bits. A larger number sent
by a visitor (``/comments/c/99999999999999999999``, ``parent_id=1e30``,
``?page=…``) cannot name any row, yet handed to a query it makes the driver
fail (``OverflowError`` on SQLite, ``DataError`` on PostgreSQL): a 500 instead
of "not found". So numbers are checked where they enter, once::

    from core.toolkit import parse_int

    page = parse_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1
    parent_id = parse_int(form.parent_id.data)     # None: absent, not a number or out of range

and every ``<int:…>`` in a route only matches ids the database can hold (the
app replaces Flask's ``int`` converter with :class:`DatabaseIntConverter`), so
anything larger is a plain 404 before a view runs.
"""
from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import IntegerConverter

#: The largest integer either database stores (SQLite INTEGER, PostgreSQL BIGINT).
MAX_DB_INT = 2**63 - 1

#: Far beyond any real list, small enough that ``page * per_page`` stays a 64-bit offset.
MAX_PAGE = 1_000_000

# ASCII digits only: ``int()`` would also take "١٢", "1_000" and " 12 ", none of which a form of ours sends.
_INTEGER = re.compile(r"[+-]?[0-9]{1,40}")


def parse_int(value: Any, *, minimum: int = 0, maximum: int = MAX_DB_INT) -> int | None:
    """``value`` (a string from a form or query) as an int within ``minimum``..``maximum``, else None.

    None also for a missing value, a non-number or anything out of range, so the
    caller decides in one place what that means (404, page 1, a form error).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if minimum <= number <= maximum else None


class DatabaseIntConverter(IntegerConverter):
    """Flask's ``int`` URL converter, bounded to the database's range: a larger id matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *args, **kwargs)
        self.max = MAX_DB_INT if self.max is None else min(self.max, MAX_DB_INT)
        if self.signed and self.min is None:
            self.min = -MAX_DB_INT - 1
