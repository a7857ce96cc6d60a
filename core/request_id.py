"""Every request gets an id: sent back as ``X-Request-ID``, on each of its log lines, on its error page.

A citizen who meets an error page quotes the id to support; support finds
every log line of that request (the proxy's too, when the proxy made the id)::

    $ grep 3f9c2a0d5b7e4f1a9c8d7e6f5a4b3c2d /var/log/mitsprache/app.log

The id comes from the ``X-Request-ID`` header only when a trusted reverse
proxy stands in front (``proxies`` > 0: nginx's ``$request_id``, a load
balancer's) and it is a plain token; a client talking to the app directly
cannot choose it, and nothing odd (spaces, quotes, newlines) reaches a log
line. Otherwise it is made here. The id lives in a context variable for the
duration of the request, so :class:`core.logs.RequestContextFilter` adds it to
every record, whichever logger wrote it.

After the response, one line per request goes to the ``mitsprache.request``
logger: method, path, status, duration and the user's id (when the request
loaded the user anyway; never a name or address).
"""
from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from dataclasses import dataclass

from flask import Flask, g, request

HEADER = "X-Request-ID"
#: What an id from a proxy may look like: nginx's 32 hex digits, UUIDs, most tracing ids.
SANE = re.compile(r"[A-Za-z0-9._-]{8,128}")

log = logging.getLogger("mitsprache.request")


@dataclass(frozen=True)
class RequestInfo:
    """What each log line of the current request says about it."""

    request_id: str
    method: str
    path: str
    client: str | None


#: The current request, or None outside one (CLI commands, the worker).
current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("mitsprache_request", default=None)


def trusts_proxy(config) -> bool:
    """Whether a trusted reverse proxy stands in front (``proxies`` > 0), whose id may be taken over."""
    return int(config.get("PROXIES") or 0) > 0


def choose_id(header_value: str | None, trusted_proxy: bool) -> str:
    """The proxy's id when it is trusted and a sane token, else a fresh one."""
    if trusted_proxy and header_value and SANE.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def request_id() -> str | None:
    """The current request's id (for templates and messages), or None outside a request."""
    info = current.get()
    return info.request_id if info else None


def _loggable_path() -> str:
    """The path, with secrets from the URL (password-reset and confirmation tokens) left out."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _logged_in_user_id() -> int | None:
    """The user's id if this request loaded the user anyway: logging must not cost a query."""
    user = g.get("_login_user")
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def log_request(info: RequestInfo, status: int, started: float, user_id: int | None = None) -> None:
    """The one line per request: method, path, status, duration (from ``started``, a ``perf_counter``)."""
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    log.info("%s %s %s %.1f ms", info.method, info.path, status, duration_ms,
             extra={"status": status, "duration_ms": duration_ms, "user_id": user_id})


def install(app: Flask) -> None:
    """Give each request of ``app`` an id, answer it in ``X-Request-ID`` and log one line per request."""
    trusted_proxy = trusts_proxy(app.config)

    def start():
        info = RequestInfo(
            request_id=choose_id(request.headers.get(HEADER), trusted_proxy),
            method=request.method,
            path=_loggable_path(),  # the URL is matched before this hook, so its tokens are known
            client=request.remote_addr,
        )
        g.request_info = info
        g.request_started = time.perf_counter()
        g.request_token = current.set(info)

    def finish(response):
        info = g.get("request_info")
        if info is None:
            return response
        response.headers[HEADER] = info.request_id
        log_request(info, response.status_code, g.request_started, _logged_in_user_id())
        return response

    def forget(_exc):
        token = g.pop("request_token", None)
        if token is not None:
            current.reset(token)

    # First of all: a request refused by an earlier hook (a NUL byte, a rate limit) still has an id.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(finish)
    app.teardown_request(forget)

    @app.context_processor
    def request_id_for_templates():
        return {"request_id": request_id()}
