"""One URL serves a whole page or, for htmx, just the part that changes.

Fragments are ``_``-prefixed templates that the full page includes too::

    return render_page_or_fragment("ideas/list.html", "ideas/_list.html", ideas=ideas)

A fragment is sent only when htmx swaps part of a page: not on a boosted
navigation or a history restore, which need the whole document.
"""
from __future__ import annotations

from flask import make_response, render_template

from .extensions import htmx


def is_htmx() -> bool:
    """True for any request htmx made (``HX-Request: true``)."""
    return bool(htmx)


def wants_fragment() -> bool:
    """True when the request came from htmx asking for a partial swap."""
    return bool(htmx) and not (htmx.boosted or htmx.history_restore_request)


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render ``fragment`` for htmx swaps, ``page`` otherwise; marks the response ``Vary: HX-Request``."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
