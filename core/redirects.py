"""The one safe-redirect helper: ``next`` parameters may only lead to paths on this site.

A ``next=https://evil.example`` (open redirect) or ``next=javascript:…`` (script
in a link) from a crafted URL must never be followed or printed into a link::

    return redirect(safe_next(request.args.get("next"), url_for("projects.home")))
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


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
