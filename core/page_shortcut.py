"""Anonymous pages answered in front of Flask: ``304 Not Modified`` or the cached HTML.

During a deadline rush most requests are anonymous readers asking for the same
few pages again. :func:`core.cache.anonymous_page` serves them from the cache,
but only after Flask has built the request, opened the session, chosen the
language, and the view has loaded the project, the chapter and the reader's
permissions: most of a request's cost. Yet everything the answer depends on is
known after the first rendering: which scopes the page shows
(:mod:`core.cache_scopes`), its cache key, until when the phase situation it
was rendered in lasts, and the headers it went out with. That is recorded here
as a *recipe* per URL and language (:func:`keep`); the next anonymous request
for the URL is answered by :class:`FrontDoor`, a WSGI middleware in front of
Flask, which reads the scopes' versions (one query) and answers at once when

* the client's ``If-None-Match`` matches the ETag those versions give: 304;
* or the page rendered for those versions is in the cache: 200 with it.

Otherwise (a write changed a version, the recipe is gone, the next phase
boundary has passed) the request goes to Flask as usual and leaves a new recipe.

Why this is as safe as the view: a recipe exists only for a page that went out
public for anonymous readers (``core.http_cache.shareable``). Anything that
would change that (the project made private, a phase edited, content hidden)
is a write to one of the page's scopes, the project's header scope at least,
so the versions no longer give the recorded ETag or cache key; and a recipe is
not used past the phase boundary that follows its rendering, so a deadline
never leaves an open form on screen. Requests with a cookie (a session, a
chosen language), htmx requests, anything but GET or HEAD, and a ``Host`` the
deployment does not serve always go to Flask. The answer carries what Flask's
would: the recorded headers (security headers, content type and language), a
fresh request id, HSTS over HTTPS, one log line, and with ``metrics`` on a
count in ``mitsprache_page_shortcut_total``. Any failure here (the database
away) sends the request to Flask, which answers it properly.
"""
from __future__ import annotations

import logging
import time
from functools import lru_cache

from flask import Flask, g, request
from flask_babel import get_locale
from werkzeug.datastructures import HeaderSet, LanguageAccept
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request

from . import cache_scopes, http_cache, request_id
from .cache import RECIPE, cache, fragment_key_of, release
from .extensions import db
from .security import STRICT_TRANSPORT_SECURITY

log = logging.getLogger(__name__)

#: Headers that belong to one answer, not to the page: made afresh for each request.
_NOT_REPLAYED = frozenset(h.lower() for h in (
    "Content-Length", "Set-Cookie", "ETag", "Last-Modified", "Cache-Control", "Expires",
    request_id.HEADER, STRICT_TRANSPORT_SECURITY[0], "Retry-After",
    "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
))


def recipe_key(full_path: str, locale: str, release_: str) -> str:
    """The cache key of a URL's recipe in one language and release."""
    return "recipe:" + repr((full_path, locale, release_))


def _eligible(environ: dict) -> bool:
    """Only plain anonymous reads: no cookie at all, no htmx, GET or HEAD."""
    return (environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get("HTTP_COOKIE")
            and "HTTP_HX_REQUEST" not in environ)


def keep(response):
    """``after_request``: record the recipe of a page that went out public to anonymous readers."""
    recipe = g.get(RECIPE)
    if recipe is None or not _eligible(request.environ) or http_cache.shareable(response) is None:
        return response
    headers = [(name, value) for name, value in response.headers.items()
               if name.lower() not in _NOT_REPLAYED and name.lower() != "vary"]
    vary = HeaderSet(response.vary)
    vary.update(http_cache.VARY)
    headers.append(("Vary", vary.to_header()))
    cache.set(recipe_key(request.full_path, str(get_locale()), release()), {**recipe, "headers": headers})
    return response


@lru_cache(maxsize=256)
def _locale(accept_language: str, languages: tuple[str, ...], default: str) -> str:
    """The language Flask-Babel would choose for a reader without a session (``core.app.select_locale``).

    A browser sends one of a few dozen ``Accept-Language`` values, so each is
    parsed once per process (``lru_cache`` is thread-safe and bounded).
    """
    return parse_accept_header(accept_language, LanguageAccept).best_match(languages) or default


class FrontDoor:
    """WSGI middleware: anonymous pages from their recipe, before Flask builds a request.

    Sits inside ``ProxyFix`` (so scheme, host and client are the proxy's) and
    finds the app's cache, database and clock on the first request, after
    gunicorn forked: it opens nothing at import or creation. It answers with
    ``start_response`` directly: Werkzeug's response object would cost as much
    as everything else it does.
    """

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self._engine = None

    def engine(self):
        """The app's database engine (creating it opens no connection; looked up once per process)."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def __call__(self, environ, start_response):
        if _eligible(environ):
            started = time.perf_counter()
            try:
                answered = self.answer(Request(environ))
            except Exception:  # noqa: BLE001 - only a shortcut: the app answers, and reports, properly
                log.warning("page shortcut failed; the app answers instead", exc_info=True)
                answered = None
            if answered is not None:
                status, headers, body, info = answered
                start_response(status, headers)
                self._record(info, int(status[:3]), started)
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.wsgi_app(environ, start_response)

    def answer(self, incoming: Request):
        """``(status, headers, body, request info)`` from the URL's recipe, or None to let the app answer."""
        app, config = self.app, self.app.config
        state = app.extensions["mitsprache"]
        release_ = getattr(state, "cache_release", None)
        if release_ is None:  # nothing rendered yet in this process: no recipe can match
            return None
        incoming.trusted_hosts = config.get("TRUSTED_HOSTS")
        try:
            incoming.host  # noqa: B018 - checks the Host against the deployment's
        except SecurityError:
            return None  # the app answers 400
        locale = _locale(incoming.environ.get("HTTP_ACCEPT_LANGUAGE", ""), tuple(config["LANGUAGES"]),
                         config["BABEL_DEFAULT_LOCALE"])
        store = app.extensions["cache"][cache]
        recipe = store.get(recipe_key(incoming.full_path, locale, release_))
        if recipe is None:
            return None
        at = state.clock.now()
        if recipe["until"] is not None and at >= recipe["until"]:
            return None  # a phase started or ended since: the page may say something else now
        versions = cache_scopes.read_versions(self.engine(), recipe["scopes"])
        page = http_cache.validators(recipe["key"], versions, release_, passed=recipe["passed"],
                                     upcoming=recipe["until"], created_at=recipe["created_at"], at=at,
                                     locale=locale, htmx="")
        if incoming.if_none_match.contains_weak(page["etag"]):
            status, body = "304 Not Modified", b""
            # A 304 carries no description of a body (RFC 9110, 15.4.5).
            headers = [(name, value) for name, value in recipe["headers"]
                       if not name.lower().startswith("content-") or name.lower() == "content-security-policy"]
        else:
            html = store.get(fragment_key_of(recipe["key"], recipe["project_id"], recipe["scopes"], versions,
                                             release_=release_, locale=locale))
            if html is None:
                return None
            status, body = "200 OK", html.encode()
            headers = [*recipe["headers"], ("Content-Length", str(len(body)))]
        info = request_id.RequestInfo(
            request_id=request_id.choose_id(incoming.headers.get(request_id.HEADER), request_id.trusts_proxy(config)),
            method=incoming.method, path=incoming.path, client=incoming.remote_addr)
        headers += [*http_cache.public_headers(page, config), (request_id.HEADER, info.request_id)]
        if incoming.scheme == "https":
            headers.append(STRICT_TRANSPORT_SECURITY)
        return status, headers, body, info

    def _record(self, info: request_id.RequestInfo, status: int, started: float) -> None:
        """The request's log line (with its id, like every line of a request) and its count in the metrics."""
        token = request_id.current.set(info)
        try:
            request_id.log_request(info, status, started)
        finally:
            request_id.current.reset(token)
        counter = self.app.extensions.get("metrics_shortcut")
        if counter is not None:
            counter.labels(status=str(status)).inc()


def install_front_door(app: Flask) -> None:
    """Answer from recipes in front of the app. Call before ``ProxyFix`` wraps ``app.wsgi_app``, so the
    front door sees the request as the proxy describes it."""
    app.wsgi_app = FrontDoor(app, app.wsgi_app)


def init_app(app: Flask) -> None:
    """Record recipes after each request (registered before the security headers, so it runs after them)."""
    app.after_request(keep)
