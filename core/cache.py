"""Cache rendered, user-independent fragments by the versions of what they show, never serving stale ones.

Rendering a chapter of 100 paragraphs with their comment counts costs tens of
milliseconds; serving it from memory costs microseconds. A fragment's key holds
the versions of the scopes it shows (:mod:`core.cache_scopes`: a paragraph's
thread, a chapter, a project's header), which every write to them moves, so a
cached fragment is never older than the data::

    from core.cache import cached_fragment
    from core.cache_scopes import project_scope

    chapter_scope = project_scope(project.id, f"commenting.document:{doc.id}", f"chapter:{chapter.id}")
    html = cached_fragment(("commenting.chapter", chapter.id, phase_open), project,
                           lambda: render_template("commenting/_chapter_body.html", chapter=chapter),
                           scopes=[chapter_scope])

Writes need no extra code: the core derives which scopes changed from every
ORM flush and every Core statement (see :mod:`core.cache_scopes`). Without
``scopes`` a fragment depends on the whole project. Every key also holds the
project's header scope (title, phases), ``people/`` (display names), the
language, and the release with a fingerprint of the code and templates
(:func:`release`), so after an upgrade a shared cache never serves HTML of the
old code.

Only cache what is the same for every reader with the same key: put the login
state or phase state into the key when the fragment depends on them. The
backend is Flask-Caching: a per-process memory cache by default, Redis when
``CACHE_TYPE = "RedisCache"`` and ``CACHE_REDIS_URL`` are configured; either is
correct with several processes, since the versions live in the database.
"""
from __future__ import annotations

import hashlib
import importlib.util
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from markupsafe import Markup

from . import cache_scopes, http_cache
from .extensions import db
from .models import Project

cache = Cache()

#: Strings that betray a CSRF token in rendered HTML.
CSRF_MARKERS = ('name="csrf_token"', "X-CSRFToken")

DEFAULTS = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 2000}

_SOURCES = ("*.py", "*.html", "*.txt", "*.xml", "*.svg")
_REFRESHED = "_mitsprache_cache_refreshed"
#: In ``g``: the recipe of an anonymous page (see core/page_shortcut.py).
RECIPE = "_mitsprache_recipe"


def release() -> str:
    """The package version and a hash of the code and templates this app runs, computed once per app.

    Part of every key and ETag: after an upgrade (or a changed template or
    plugin) nothing rendered by the old code is served, even from a Redis cache
    that outlives the processes.
    """
    state = current_app.extensions["mitsprache"]
    found = getattr(state, "cache_release", None)
    if found is None:
        try:
            version = metadata.version("mitsprache")
        except metadata.PackageNotFoundError:
            version = "0"
        digest = hashlib.sha1()
        for folder in _source_folders(state):
            for pattern in _SOURCES:
                for path in sorted(folder.rglob(pattern)):
                    digest.update(str(path.relative_to(folder)).encode())
                    digest.update(path.read_bytes())
        theme = current_app.config.get("THEME", "default")
        found = state.cache_release = f"{version}+{digest.hexdigest()[:12]}+{theme}"
    return found


def _source_folders(state) -> list[Path]:
    themes = Path(importlib.util.find_spec("themes").origin).parent  # shipped as a package
    folders = {Path(__file__).parent, themes}
    for _name, plugin in state.pm.list_name_plugin():  # not get_plugins(): a plugin may be an unhashable object
        module_file = getattr(plugin, "__file__", None)
        if module_file:
            folders.add(Path(module_file).parent)
    return sorted(folders)


def page_scopes(project: Project, scopes: Iterable[str] | None) -> tuple[str, ...]:
    """The prefixes a fragment depends on: ``scopes`` (default: the whole project), the project's header
    (phases, title: on every page) and people's names."""
    chosen = tuple(scopes) if scopes is not None else (cache_scopes.project_scope(project.id),)
    return tuple(sorted({*chosen, cache_scopes.header_scope(project.id), cache_scopes.PEOPLE}))


def cache_versions(project: Project, scopes: Iterable[str]) -> None:
    """Read the versions of every scope a page's fragments show, in one query, before any of them is looked up."""
    cache_scopes.versions(page_scopes(project, scopes))


def fragment_key(key: tuple[Hashable, ...], project: Project, scopes: Iterable[str] | None = None) -> str:
    """The full cache key: ``key``, release, locale and the current versions of the scopes."""
    chosen = page_scopes(project, scopes)
    return fragment_key_of(key, project.id, chosen, cache_scopes.versions(chosen))


def fragment_key_of(key: tuple[Hashable, ...], project_id: int, chosen: tuple[str, ...],
                    found: dict[str, tuple[int, Any]], *, release_: str | None = None, locale: str | None = None) -> str:
    """:func:`fragment_key` from the page's scopes and their versions.

    ``core.page_shortcut`` answers outside Flask's request, without a project:
    it passes the release and the locale it worked out itself.
    """
    versions = tuple(found[scope][0] for scope in chosen)
    release_ = release() if release_ is None else release_
    locale = str(get_locale()) if locale is None else locale
    return "fragment:" + repr((key, project_id, release_, locale, chosen, versions))


def cached_fragment(key: tuple[Hashable, ...], project: Project, render: Callable[[], Any], *,
                    scopes: Iterable[str] | None = None, holes: bool = False) -> Markup:
    """``render()``'s HTML, cached under ``key`` + the versions of ``scopes`` + release + locale.

    ``holes``: the HTML has forms whose CSRF token is a placeholder the caller
    fills in per reader (``plugins/comments/shared_list.py``); it is stored as
    long as the reader's own token does not appear in it.
    """
    full_key = fragment_key(key, project, scopes)
    html = cache.get(full_key)
    if html is None:
        store = _read_after_versions()
        html = str(render())
        # A form's CSRF token belongs to one session: such HTML must never be served to others.
        if _holds_a_token(html, holes):
            g.setdefault(http_cache.UNSHAREABLE, True)
        elif store:
            cache.set(full_key, html)
    return Markup(html)


def cached_value(key: tuple[Hashable, ...], compute: Callable[[], Any], *, scopes: Iterable[str]) -> Any:
    """``compute()``'s result (anything picklable), cached under ``key`` + the versions of ``scopes``.

    For a small fact a page asks on every request and that changes only with
    ``scopes`` (does the project have a document?): read with the page's
    versions, it costs no query of its own once cached. ``key`` must hold
    whatever else the value depends on (the project, the reader's rights).
    ``compute`` must read with a query of its own, not from objects the request
    loaded before the versions (unlike :func:`cached_fragment`, nothing is
    expired for it: a fact costs one small query, not a reload of the page's objects).
    """
    chosen = tuple(sorted(set(scopes)))
    found = cache_scopes.versions(chosen)
    full_key = "value:" + repr((key, release(), chosen, tuple(found[scope][0] for scope in chosen)))
    kept = cache.get(full_key)
    if kept is None:
        kept = (compute(),)  # a tuple: a value of None is a value, not a miss
        if not (db.session.new or db.session.dirty or db.session.deleted):  # unsaved changes: only this request's
            cache.set(full_key, kept)
    return kept[0]


def _holds_a_token(html: str, holes: bool) -> bool:
    if not holes:
        return any(marker in html for marker in CSRF_MARKERS)
    from flask_wtf.csrf import generate_csrf

    return generate_csrf() in html


def _read_after_versions() -> bool:
    """Make the rendering read its data after the versions were read; False when it must not be stored.

    Objects the request loaded before (the project, the chapter) may predate a
    write whose version the key already holds: expire them once per request so
    the rendering loads them again (see :mod:`core.cache_scopes`). A session with
    unsaved changes renders what nobody else sees: never stored.
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        return False
    if not g.get(_REFRESHED):
        db.session.expire_all()
        g.setdefault(_REFRESHED, True)
    return True


def anonymous_page(key: tuple[Hashable, ...], project: Project, render: Callable[[], Any], *,
                   scopes: Iterable[str] | None = None, whole_response: bool = True) -> Any:
    """Serve a whole page to anonymous readers from the cache; render it for everyone else.

    Anonymous pages carry no session data (no CSRF token, no flashed message), so
    one rendering serves every anonymous reader with the same language until
    what it shows changes. ``key`` must hold whatever else the page depends on
    (the phase being open, query parameters); ``scopes`` what it shows (default:
    the whole project). With ``whole_response`` (the HTML is the response body)
    the response gets an ETag and may be kept by a reverse proxy for a few
    seconds (:mod:`core.http_cache`); a matching ``If-None-Match`` is answered
    with 304 before anything is rendered.
    """
    if current_user.is_authenticated or session.get("_flashes"):
        return render()
    full_key = ("page", request.full_path, *key)
    # The whole page changes when anything under its outermost scopes does: the rest adds nothing to its key.
    scopes = cache_scopes.covering(page_scopes(project, scopes))
    if whole_response:
        chosen = page_scopes(project, scopes)
        http_cache.validate(full_key, project, cache_scopes.versions(chosen), release())
        page = g.get(http_cache.PAGE)
        # What core.page_shortcut needs to answer the next anonymous request for this URL before the view.
        g.setdefault(RECIPE, {"key": full_key, "project_id": project.id, "scopes": chosen, "until": page["until"],
                              "passed": page["passed"], "created_at": project.created_at})
    return cached_fragment(full_key, project, render, scopes=scopes)
