"""The search page, ``/search?q=…``: a GET form that works without JavaScript, results best first.

An empty box shows only the form; a query that cannot be searched (too long,
no word in it) shows the form again with a message, status 400 but never 500.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..numbers import MAX_PAGE, parse_int
from .query import QueryError
from .results import search

bp = Blueprint("search", __name__)


@bp.get("/search")
def page():
    q = request.args.get("q")
    number = parse_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1
    if q is None:
        return render_template("search/index.html", q="", found=None, error=None)
    try:
        found = search(q, current_user, page=number, item_type=request.args.get("type") or None)
    except QueryError as error:
        return render_template("search/index.html", q=q, found=None, error=str(error)), 400
    return render_template("search/index.html", q=q, found=found, error=None)
