"""The one safe-redirect helper: where a request may send people back to is always a path on this site.

``next`` parameters come from URLs and forms anyone can craft: a
``next=https://evil.example`` (open redirect) or ``next=javascript:…`` (script
in a link) must never be followed or printed into a link::

    return redirect(safe_next(request.args.get("next"), url_for("projects.home")))

Addresses the browser reports (the ``Referer`` header, htmx's ``HX-Current-URL``)
are absolute URLs; :func:`same_site_path` turns one into a path when it is on this
site and into "" otherwise::

    back = safe_next(request.form.get("next"), "") or same_site_path(request.referrer) or default
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def is_safe_path(target: str | None) -> bool:
    """A local path ("/p/x?y#z"): no scheme, no host, no "//" or backslash tricks, no control characters."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str | None = None) -> str:
    """``target`` if it is a path on this site, else ``default`` (the home page when not given)."""
    if is_safe_path(target):
        return target
    return default if default is not None else url_for("projects.home")


def same_site_path(url: str | None) -> str:
    """The path and query of ``url`` if it leads to this site (a safe path, or an http(s) URL on this host), else "".

    For the addresses a browser reports, such as ``request.referrer``; the fragment is dropped.
    """
    if not url:
        return ""
    parts = urlsplit(url)
    if (parts.scheme or parts.netloc) and (parts.scheme not in ("http", "https") or parts.netloc != request.host):
        return ""
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_safe_path(path) else ""


def current_page() -> str:
    """The page the reader is on: the request itself, or for an htmx request the page that sent it.

    Forms in a fragment return there (``next``), and a fragment cached per page keys on it.
    """
    from .htmx import wants_fragment

    if wants_fragment():
        page = same_site_path(request.headers.get("HX-Current-URL"))
        if page:
            return page
    return request.full_path.rstrip("?")
