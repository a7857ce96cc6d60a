"""Cache rendered, user-independent fragments of a project, never serving stale ones.

Rendering a chapter of 100 paragraphs with their comment counts costs tens of
milliseconds; serving it from memory costs microseconds. The key includes the
project's ``content_version``, which every write that changes what readers see
bumps in its own transaction, so a cached fragment is never older than the data::

    from core.cache import bump_content_version, cached_fragment

    html = cached_fragment(("commenting.chapter", chapter.id, phase_open), project,
                           lambda: render_template("commenting/_chapter_body.html", chapter=chapter))

    # in the view that stores a comment, before commit:
    bump_content_version(project.id)

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
from sqlalchemy import update

from .extensions import db
from .models import Project

cache = Cache()

DEFAULTS = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 2000}


def bump_content_version(project_id: int) -> None:
    """Mark the project's cached fragments outdated; call it in the transaction of the write."""
    db.session.execute(
        update(Project).where(Project.id == project_id).values(content_version=Project.content_version + 1)
    )


def cached_fragment(key: tuple[Hashable, ...], project: Project, render: Callable[[], Any]) -> Markup:
    """``render()``'s HTML, cached under ``key`` + the project's content version + the locale."""
    full_key = "fragment:" + repr((key, project.id, project.content_version, str(get_locale())))
    html = cache.get(full_key)
    if html is None:
        html = str(render())
        cache.set(full_key, html)
    return Markup(html)
