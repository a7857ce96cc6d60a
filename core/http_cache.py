"""HTTP caching of anonymous pages: ETag, 304 Not Modified and a few seconds in a reverse proxy.

During a deadline rush most readers are anonymous and read the same pages. A
page served by :func:`core.cache.anonymous_page` gets

* an ``ETag`` built from what the page shows (the versions of its scopes), the
  release, the language, the URL and the page's key (phase state) and the last
  phase boundary the clock passed, so a phase that ends changes it without any
  write;
* ``Last-Modified``: the last write to what it shows, or the last phase
  boundary, whichever is later;
* ``Cache-Control: public, max-age=0, s-maxage=10, stale-while-revalidate=30``:
  browsers ask again each time (cheaply, with ``If-None-Match``), a proxy may
  answer for a few seconds — never past the next phase boundary, so nobody is
  shown an open phase after its deadline;
* ``Vary: Cookie, Accept-Language, HX-Request``: logged-in readers (who have a
  cookie), other languages and htmx fragments are kept apart.

A request whose ``If-None-Match`` matches is answered with 304 before the page
is rendered: it costs the project, the version query and nothing else. Pages
for logged-in readers, pages with a CSRF token and responses that set a cookie
get none of this. ``HTTP_CACHE_SECONDS`` and ``HTTP_STALE_SECONDS`` configure
the two durations; docs/caching.md shows an nginx configuration.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask import Flask, abort, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.http import http_date

from .clock import now

PAGE = "_mitsprache_http_cache"

DEFAULTS = {"HTTP_CACHE_SECONDS": 10, "HTTP_STALE_SECONDS": 30}


def phase_boundaries(project: Any, at: datetime) -> tuple[datetime | None, datetime | None]:
    """The last phase start or end before ``at`` and the next one after it."""
    moments = [moment for phase in project.phases for moment in (phase.start, phase.end)]
    past = [moment for moment in moments if moment <= at]
    future = [moment for moment in moments if moment > at]
    return (max(past) if past else None, min(future) if future else None)


def validators(key: tuple, versions: dict[str, tuple[int, Any]], release: str, *, passed, upcoming,
               created_at: datetime, at: datetime, locale: str | None = None, htmx: str | None = None) -> dict:
    """The page's ETag, Last-Modified and how long a proxy may keep it (see :func:`public`).

    ``locale`` and ``htmx`` (the ``HX-Request`` header) default to the current
    request's; :mod:`core.page_shortcut` passes them, as it answers outside Flask's request.
    """
    locale = str(get_locale()) if locale is None else locale
    htmx = request.headers.get("HX-Request", "") if htmx is None else htmx
    parts = (release, locale, htmx, key,
             sorted((scope, total) for scope, (total, _changed) in versions.items()), passed)
    etag = hashlib.sha1(repr(parts).encode()).hexdigest()[:24]
    changes = [changed for _total, changed in versions.values() if changed is not None]
    modified = max([*changes, *([passed] if passed else []), created_at])
    return {"etag": etag, "modified": modified, "until": upcoming, "passed": passed, "at": at}


def validate(key: tuple, project: Any, versions: dict[str, tuple[int, Any]], release: str) -> None:
    """Remember the page's validators for the response; answer 304 at once when the client has them."""
    at = now()
    passed, upcoming = phase_boundaries(project, at)
    page = validators(key, versions, release, passed=passed, upcoming=upcoming, created_at=project.created_at, at=at)
    g.setdefault(PAGE, page)
    if request.method in ("GET", "HEAD") and request.if_none_match.contains_weak(page["etag"]):
        response = make_response("", 304)
        public(response, g.get(PAGE))
        abort(response)


#: What an anonymous page differs by: logged-in readers (who have a cookie), languages, htmx fragments.
VARY = ("Cookie", "Accept-Language", "HX-Request")


def public(response, page: dict, config=None) -> None:
    """Validators and proxy caching headers of a page that is the same for every anonymous reader."""
    for name, value in public_headers(page, current_app.config if config is None else config):
        response.headers[name] = value
    response.vary.update(VARY)


def public_headers(page: dict, config) -> list[tuple[str, str]]:
    """:func:`public`'s ETag, Last-Modified and Cache-Control as header lines.

    Written directly: :mod:`core.page_shortcut` sends them with every answer it
    gives, where Werkzeug's header objects would cost more than the rest of it.
    """
    fresh, stale = config["HTTP_CACHE_SECONDS"], config["HTTP_STALE_SECONDS"]
    if page["until"] is not None:  # a proxy must not answer past the next phase boundary
        left = max(int((page["until"] - page["at"]).total_seconds()), 0)
        fresh = min(fresh, left)
        stale = min(stale, left - fresh)
    return [("ETag", f'W/"{page["etag"]}"'), ("Last-Modified", http_date(page["modified"])),
            ("Cache-Control", f"public, max-age=0, s-maxage={fresh}, stale-while-revalidate={stale}")]


def add_headers(response):
    """``after_request``: validators and proxy caching for an anonymous page that is the same for everyone."""
    page = shareable(response)
    if page is not None:
        public(response, page)
    return response


def shareable(response) -> dict | None:
    """The page's validators when ``response`` is an anonymous page the same for everyone, else None."""
    page = g.get(PAGE)
    if (page is None or response.status_code != 200 or request.method not in ("GET", "HEAD")
            or getattr(current_user, "is_authenticated", False) or g.get(UNSHAREABLE)
            or session.modified or "Set-Cookie" in response.headers):
        return None
    return page


#: Set in ``g`` when the page holds something of one reader (a CSRF token): no public caching.
UNSHAREABLE = "_mitsprache_unshareable"


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.after_request(add_headers)
