"""Anonymous pages answered before the view runs: ``304 Not Modified`` or the cached HTML.

During a deadline rush most requests are anonymous readers asking for the same
few pages again. :func:`core.cache.anonymous_page` serves them from the cache,
but only after the view has loaded the project, the chapter and the reader's
permissions: about two milliseconds, most of the request. Yet everything the
answer depends on is known after the first rendering: which scopes the page
shows (:mod:`core.cache_scopes`), its cache key, and until when the phase
situation it was rendered in lasts. That is recorded here as a *recipe* per
URL and language; the next anonymous request for the URL reads the scopes'
versions (one query) and answers at once when

* the client's ``If-None-Match`` matches the ETag those versions give: 304;
* or the page rendered for those versions is in the cache: 200 with it.

Otherwise (a write changed a version, the recipe is gone, the next phase
boundary has passed) the view runs as usual and leaves a new recipe.

Why this is as safe as the view: a recipe exists only for a page that was
public for anonymous readers (``core.http_cache.add_headers``). Anything that
would change that (the project made private, a phase edited, content hidden)
is a write to one of the page's scopes, the project's header scope at least,
so the versions no longer give the recorded ETag or cache key; and a recipe is
not used past the phase boundary that follows its rendering, so a deadline
never leaves an open form on screen. Requests with a cookie (a session, a
chosen language), htmx requests and anything but GET or HEAD always go
through the view.
"""
from __future__ import annotations

from flask import Flask, g, make_response, request
from flask_babel import get_locale

from . import cache_scopes, http_cache
from .cache import RECIPE, cache, fragment_key_of, release
from .clock import now


_KEY = "_mitsprache_recipe_key"


def _recipe_key() -> str | None:
    """The recipe's cache key for this request, or None when the request must go through the view.

    Worked out once per request: :func:`answer` and :func:`keep` both need it.
    """
    if _KEY not in g:
        eligible = request.method in ("GET", "HEAD") and not request.cookies and "HX-Request" not in request.headers
        g.setdefault(_KEY, "recipe:" + repr((request.full_path, str(get_locale()), release())) if eligible else None)
    return g.get(_KEY)


def keep(response):
    """``after_request``: record the recipe of a page that went out public to anonymous readers."""
    recipe, key = g.get(RECIPE), _recipe_key()
    if recipe is not None and key is not None and http_cache.shareable(response) is not None:
        cache.set(key, recipe)
    return response


def answer():
    """``before_request``: the page from its recipe, or None to let the view answer."""
    key = _recipe_key()
    if key is None:
        return None
    recipe = cache.get(key)
    if recipe is None:
        return None
    at = now()
    if recipe["until"] is not None and at >= recipe["until"]:
        return None  # a phase started or ended since: the page may say something else now
    versions = cache_scopes.versions(recipe["scopes"])
    page = http_cache.validators(recipe["key"], versions, release(), passed=recipe["passed"],
                                 upcoming=recipe["until"], created_at=recipe["created_at"], at=at)
    if request.if_none_match.contains_weak(page["etag"]):
        response = make_response("", 304)
        http_cache.public(response, page)
        return response
    html = cache.get(fragment_key_of(recipe["key"], recipe["project_id"], recipe["scopes"], versions))
    if html is None:
        return None
    g.setdefault(http_cache.PAGE, page)
    return make_response(html)


def init_app(app: Flask) -> None:
    app.before_request(answer)
    app.after_request(keep)
