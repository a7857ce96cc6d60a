"""Text a request may carry: anything but the NUL character.

PostgreSQL cannot store or even compare text holding NUL (``\\x00``): psycopg
refuses the query, so ``/p/%00`` or a comment with a NUL in it would be a 500
there (and SQLite would store a string other tools cut short). Browsers never
send NUL from a form, so a request with one in its path, query or form is
answered 400 before any view runs, the same on both databases.
"""
from __future__ import annotations

from flask import abort, request
from werkzeug.datastructures import MultiDict


def refuse_nul_characters() -> None:
    """``before_request``: 400 when the path, the query string or the form holds a NUL character."""
    if "\x00" in request.path or _holds_nul(request.args) or _holds_nul(request.form):
        abort(400)


def _holds_nul(values: MultiDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in items) for key, items in values.lists())
