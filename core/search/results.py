"""One page of search results for a person, and the matching items of one type for a plugin's own list.

::

    page = search("Obstbäume", current_user, page=1)      # QueryError for "" or 300 characters
    page.total, page.pages          # counted in SQL, after the visibility conditions
    page.types                      # [TypeCount("idea", "Ideas", 12), …]: search(…, item_type="idea") shows those
    for result in page.results:     # best first
        result.label, result.url, result.title_html, result.snippet_html, result.project_title

    ideas = select(Idea).where(Idea.id.in_(matching_ids("idea", "Bäume", project_id=3)))
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select

from ..extensions import db
from ..models import Project
from ..registry import SearchSource
from .engine import matching
from .models import IndexedDocument
from .query import Query, parse
from .snippets import highlight, snippet
from .visibility import visible_to

PER_PAGE = 20


@dataclass(frozen=True)
class Result:
    source: SearchSource
    item: Any
    url: str
    title_html: Markup
    snippet_html: Markup
    project_title: str

    @property
    def label(self) -> Any:
        return self.source.label


@dataclass(frozen=True)
class TypeCount:
    """How many results one type has (``"idea"``, "Ideas", 12): the filter links above the results."""

    type: str
    plural: Any
    count: int


@dataclass
class ResultPage:
    q: str
    total: int
    page: int
    pages: int
    results: list[Result] = field(default_factory=list)
    #: Every type with results, most first; ``item_type`` the one shown (None: all of them).
    types: list[TypeCount] = field(default_factory=list)
    item_type: str | None = None
    #: Results of every type (``total`` counts only ``item_type``'s when one is chosen).
    everything: int = 0


def sources() -> dict[str, SearchSource]:
    return current_app.extensions["mitsprache"].registry.search_sources


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def search(q: str, user: Any, *, page: int = 1, per_page: int = PER_PAGE, item_type: str | None = None) -> ResultPage:
    """The ``page``-th page of what ``user`` may find for ``q``, of one ``item_type`` or of all.

    One count per type and one page query, then one load per type on the page. An unknown
    ``item_type`` (an old link, a disabled plugin) shows every type.
    """
    query = parse(q)
    known = sources()
    base = (select(IndexedDocument, Project.title).join(Project, Project.id == IndexedDocument.project_id)
            .where(IndexedDocument.item_type.in_(list(known)), *visible_to(user)))
    base, rank = matching(base, query, _dialect())
    counted = db.session.execute(base.with_only_columns(IndexedDocument.item_type, func.count()).order_by(None)
                                 .group_by(IndexedDocument.item_type)).all()
    types = sorted((TypeCount(name, known[name].plural or known[name].label, count) for name, count in counted),
                   key=lambda t: (-t.count, str(t.plural)))
    everything = sum(t.count for t in types)
    item_type = item_type if item_type in known else None
    total = next((t.count for t in types if t.type == item_type), 0) if item_type else everything
    if item_type:
        base = base.where(IndexedDocument.item_type == item_type)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(base.order_by(rank, IndexedDocument.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return ResultPage(q, total, page, pages, _results(rows, query, known), types, item_type, everything)


def _results(rows, query: Query, known: dict[str, SearchSource]) -> list[Result]:
    wanted: dict[str, list[int]] = {}
    for document, _title in rows:
        wanted.setdefault(document.item_type, []).append(document.item_id)
    loaded = {item_type: known[item_type].load(ids) for item_type, ids in wanted.items()}
    results = []
    for document, project_title in rows:
        source = known[document.item_type]
        item = loaded[document.item_type].get(document.item_id)
        if item is None:  # deleted by the database's own cascade; the next reindex forgets it
            continue
        title = str(source.title(item)) if source.title is not None else document.title
        results.append(Result(source, item, source.url(item), highlight(title, query),
                              snippet(document.body, query), project_title))
    return results


def matching_ids(item_type: str, q: str, *, project_id: int | None = None) -> Any:
    """A subquery of the ids of ``item_type`` items matching ``q`` (no visibility: the caller's list applies its own).

    Text without a searchable word matches nothing; too long a text raises :class:`~.query.QueryError`.
    """
    query = parse(q)
    statement = select(IndexedDocument.item_id).where(IndexedDocument.item_type == item_type)
    if project_id is not None:
        statement = statement.where(IndexedDocument.project_id == project_id)
    statement, _rank = matching(statement, query, _dialect())
    return statement
