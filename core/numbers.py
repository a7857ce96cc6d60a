"""Whole numbers from outside (URLs, forms, query strings), bounded to what an id column can hold.

Every id column is an SQL ``INTEGER``: 32 bits on PostgreSQL, 64 on SQLite. A
larger number sent by a visitor (``/comments/c/99999999999999999999``,
``parent_id=2147483648``, ``?after=…``) cannot name any row, yet handed to a
query it makes the driver fail (``OverflowError`` on SQLite, "integer out of
range" on PostgreSQL): a 500 instead of "not found". So numbers are checked
where they enter, once::

    from core.toolkit import MAX_PAGE, parse_int

    page = parse_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1
    parent_id = parse_int(form.parent_id.data)     # None: absent, not a number, or no possible id

and every ``<int:…>`` in a route only matches possible ids (the app replaces
Flask's ``int`` converter with :class:`IdConverter`), so anything larger is a
plain 404 before a view runs.
"""
from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import IntegerConverter

#: The largest id: SQL INTEGER on PostgreSQL (SQLite's is wider). Change it with the columns, to BIGINT.
MAX_ID = 2**31 - 1

#: Far beyond any real list, small enough that ``page * per_page`` stays a valid offset.
MAX_PAGE = 1_000_000

# ASCII digits only: ``int()`` would also take "١٢", "1_000" and " 12 ", none of which a form of ours sends.
_INTEGER = re.compile(r"[+-]?[0-9]{1,40}")


def parse_int(value: Any, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
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


class IdConverter(IntegerConverter):
    """Flask's ``int`` URL converter, bounded to :data:`MAX_ID`: a larger number matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *args, **kwargs)
        self.max = MAX_ID if self.max is None else min(self.max, MAX_ID)
        if self.signed and self.min is None:
            self.min = -MAX_ID - 1
