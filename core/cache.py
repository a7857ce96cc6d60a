"""Cache rendered, user-independent fragments of a project, never serving stale ones.

Rendering a chapter of 100 paragraphs with their comment counts costs tens of
milliseconds; serving it from memory costs microseconds. The key includes the
project's ``content_version``, which every write that changes what readers see
bumps in its own transaction, so a cached fragment is never older than the data::

    from core.cache import bump_content_version, cached_fragment

    html = cached_fragment(("commenting.chapter", chapter.id, phase_open), project,
                           lambda: render_template("commenting/_chapter_body.html", chapter=chapter))

Writes need no extra code: every flushed insert, update or delete of a row
with a ``project_id`` column (and of a project itself) bumps that project's
version just before the transaction commits (see :func:`track_changes`). A user
who changes their display name bumps every project, since their name may be
shown on any of them (a rare write, so the cost of re-rendering is fine). Only
Core-level statements (``db.session.execute(update(...))``) must call
:func:`bump_content_version` themselves.

Only cache what is the same for every reader with the same key: put the
language, login state or phase state into the key when the fragment depends on
them (the locale is added automatically). The backend is Flask-Caching: a
per-process memory cache by default, Redis when ``CACHE_TYPE = "RedisCache"``
and ``CACHE_REDIS_URL`` are configured.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable

from flask_babel import get_locale
from flask_caching import Cache
from markupsafe import Markup
from flask import request, session
from flask_login import current_user
from sqlalchemy import event, inspect, update

from .extensions import db
from .models import Project, User

cache = Cache()

#: Strings that betray a CSRF token in rendered HTML.
CSRF_MARKERS = ('name="csrf_token"', "X-CSRFToken")

DEFAULTS = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 2000}


_TOUCHED = "mitsprache_touched_projects"
_ALL = "all"  # in the touched set: bump every project


def _renamed(obj: Any) -> bool:
    return isinstance(obj, User) and inspect(obj).attrs.display_name.history.has_changes()


def bump_content_version(project_id: int) -> None:
    """Mark the project's cached fragments outdated when the current transaction commits."""
    db.session.info.setdefault(_TOUCHED, set()).add(project_id)


def _project_of(obj: Any) -> int | None:
    if isinstance(obj, Project):
        return obj.id
    if getattr(obj, "changes_no_content", False):
        return None  # e.g. a notification: nothing a reader of the project sees has changed
    return getattr(obj, "project_id", None)


def track_changes(session_class) -> None:
    """Bump the versions of all projects whose rows a transaction changed, as its last statement.

    Taking the project row's lock last (right before COMMIT) means a transaction
    holding it never waits for anything else, so it cannot deadlock on PostgreSQL.
    """

    @event.listens_for(session_class, "before_flush")
    def collect(session, _flush_context, _instances):
        touched = session.info.setdefault(_TOUCHED, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            project_id = _project_of(obj)
            if project_id is not None and (obj not in session.dirty or session.is_modified(obj)):
                touched.add(project_id)
            elif obj in session.dirty and _renamed(obj):
                touched.add(_ALL)

    @event.listens_for(session_class, "before_commit")
    def bump(session):
        session.flush()
        touched = session.info.pop(_TOUCHED, None)
        if touched:
            statement = update(Project).values(content_version=Project.content_version + 1)
            if _ALL not in touched:
                statement = statement.where(Project.id.in_(sorted(touched)))
            session.connection().execute(statement)

    @event.listens_for(session_class, "after_rollback")
    def forget(session):
        session.info.pop(_TOUCHED, None)


def cached_fragment(key: tuple[Hashable, ...], project: Project, render: Callable[[], Any]) -> Markup:
    """``render()``'s HTML, cached under ``key`` + the project's content version + the locale."""
    full_key = "fragment:" + repr((key, project.id, project.content_version, str(get_locale())))
    html = cache.get(full_key)
    if html is None:
        html = str(render())
        # A form's CSRF token belongs to one session: such HTML must never be served to others.
        if not any(marker in html for marker in CSRF_MARKERS):
            cache.set(full_key, html)
    return Markup(html)


def anonymous_page(key: tuple[Hashable, ...], project: Project, render: Callable[[], Any]) -> Any:
    """Serve a whole page to anonymous readers from the cache; render it for everyone else.

    Anonymous pages carry no session data (no CSRF token, no flashed message), so
    one rendering serves every anonymous reader with the same language until the
    project's content changes. ``key`` must hold whatever else the page depends on
    (the phase being open, query parameters).
    """
    if current_user.is_authenticated or session.get("_flashes"):
        return render()
    return cached_fragment(("page", request.full_path, *key), project, render)
