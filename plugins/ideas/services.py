"""Queries and operations shared by the views, the export and the demo seeder."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import joinedload

from core.toolkit import db, has_role, matching_ids, Role, SearchQueryError

from plugins.comments import api as comments
from .models import REVIEW_STATUSES, Category, Idea

PER_PAGE = 12


@dataclass(frozen=True)
class Sort:
    """A sort order of the idea list: ours or one another plugin offers."""

    key: str
    label: Any
    order_by: Callable[[], list[Any]]


def categories_of(project) -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.project_id == project.id).order_by(Category.position, Category.id)
        )
    )


def is_moderator(user, project) -> bool:
    return has_role(user, project, Role.INITIATOR, Role.MODERATOR)


def sort_options(project) -> list[Sort]:
    """Newest, most discussed, then every plugin's :class:`core.registry.SortOption` for "idea"."""
    tie = [Idea.created_at.desc(), Idea.id.desc()]
    options = [
        Sort("newest", _l("Newest first"), lambda: tie),
        Sort("discussed", _l("Most discussed"), lambda: [comments.comment_count_expression("idea", Idea.id).desc(), *tie]),
    ]
    pm = current_app.extensions["mitsprache"].pm
    taken = {o.key for o in options}
    for result in pm.hook.item_sort_options(item_type="idea", project=project):
        for option in result or []:
            if option.key in taken:
                continue
            taken.add(option.key)

            def order(option=option):
                expression = option.expression(Idea.id)
                return [expression.desc() if option.descending else expression.asc(), *tie]

            options.append(Sort(option.key, option.label, order))
    return options



def visible_ideas(project, user):
    """Ideas of ``project`` this user may see in lists: moderators see hidden ones, authors their own."""
    query = select(Idea).where(Idea.project_id == project.id)
    if not is_moderator(user, project):
        if getattr(user, "is_authenticated", False):
            query = query.where(or_(Idea.hidden_at.is_(None), Idea.author_id == user.id))
        else:
            query = query.where(Idea.hidden_at.is_(None))
    return query


@dataclass
class Listing:
    ideas: list[Idea]
    total: int
    page: int
    pages: int
    sort: str
    category: int | None
    q: str
    counts: dict[int, int] = field(default_factory=dict)
    status: str | None = None


def review_status_param(value: str | None) -> str | None:
    """The ``?status=`` filter: a known status value, else None (no filter): bad input never errors."""
    return value if value in dict(REVIEW_STATUSES) else None


def statuses_in_use(project) -> bool:
    """Whether any idea of the project has a status yet: only then does the list offer the status filter."""
    return db.session.scalar(
        select(Idea.id).where(Idea.project_id == project.id, Idea.review_status.is_not(None)).limit(1)) is not None


def list_ideas(project, user, *, category: int | None, sort: str, q: str, page: int, sorts: list[Sort],
               status: str | None = None) -> Listing:
    """One page of the idea list: a count query, a page query and one comment-count query."""
    query = visible_ideas(project, user)
    if category is not None:
        query = query.where(Idea.category_id == category)
    if status is not None:
        query = query.where(Idea.review_status == status)
    if (q or "").strip():
        query = query.where(matching(q, project))
    total = db.session.scalar(query.with_only_columns(func.count(Idea.id)).order_by(None)) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    chosen = next((s for s in sorts if s.key == sort), sorts[0])
    ideas = list(
        db.session.scalars(
            query.options(joinedload(Idea.author), joinedload(Idea.category))
            .order_by(*chosen.order_by())
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        ).unique()
    )
    counts = comments.comment_counts("idea", [i.id for i in ideas]) if ideas else {}
    return Listing(ideas, total, page, pages, chosen.key, category, q, counts, status)


def matching(q: str, project) -> Any:
    """The condition "the idea matches the search box": the site search's engine (stems, German and English).

    Text without a word to search for (only ``%`` or quotes), or too long, matches nothing.
    """
    try:
        return Idea.id.in_(matching_ids("idea", q, project_id=project.id))
    except SearchQueryError:
        return false()


def load_ideas(ids) -> dict[int, Idea]:
    """{id: Idea} for the comments and voting plugins (each Idea knows its ``.project``)."""
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    rows = db.session.scalars(select(Idea).options(joinedload(Idea.project)).where(Idea.id.in_(ids)))
    return {idea.id: idea for idea in rows}


def idea_visible(idea) -> bool:
    """Whether the current user may see the idea and its discussion: once hidden by moderation, only moderators."""
    from flask_login import current_user

    return not idea.is_hidden or is_moderator(current_user, idea.project)


def idea_url(idea) -> str:
    return url_for("ideas.show", slug=idea.project.slug, idea_id=idea.id)
