"""Deployment security derived from three settings: ``base_url``, ``proxies`` and ``redis_url``.

One place decides what a public deployment needs, so no view has to:

- ``base_url`` (e.g. ``https://beteiligung.musterstadt.de``) is the only source
  of absolute links (:func:`external_url`, used by every e-mail), and its host
  is the only one answered in production (Flask's ``TRUSTED_HOSTS``): a
  password-reset request sent with ``Host: evil.example`` gets a 400, and even
  in development its link would point at the configured site. An ``https``
  base URL makes session and remember cookies ``Secure``.
- ``proxies`` is the number of reverse proxies in front of the app. Werkzeug's
  ``ProxyFix`` then trusts exactly that many ``X-Forwarded-*`` entries, so the
  client's own address keys the rate limits (not the proxy's, which would
  lock a whole city out after ten bad logins) and ``request.is_secure`` is true
  behind a TLS proxy (HSTS is sent). More trust than proxies would let clients
  forge their address; so the count is explicit.
- ``redis_url`` stores rate-limit counters where every worker and node sees
  them; without it each process counts on its own.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: "Stay logged in" lasts this long; a password change, reset or logout ends it earlier.
REMEMBER_FOR = timedelta(days=30)


def configure(app: Flask, explicit: set[str] = frozenset()) -> None:
    """Cookies, trusted hosts, proxies and rate-limit storage from the deployment's settings.

    Flask config keys in ``explicit`` were set by the caller (tests, scripts) and are kept.
    """
    from .startup import is_production

    def derive(key: str, value) -> None:
        if key not in explicit:
            app.config[key] = value

    base_url = (app.config.get("BASE_URL") or "").rstrip("/")
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            from .config import ConfigError

            raise ConfigError(f"base_url must be like https://beteiligung.example.de, not {base_url!r}.")
        app.config["BASE_URL"] = base_url
        derive("PREFERRED_URL_SCHEME", parts.scheme)
        derive("SESSION_COOKIE_SECURE", parts.scheme == "https")
        derive("REMEMBER_COOKIE_SECURE", parts.scheme == "https")
        if is_production(app):
            derive("TRUSTED_HOSTS", [parts.hostname, *app.config["EXTRA_HOSTS"]])
    derive("REMEMBER_COOKIE_SAMESITE", "Lax")
    derive("REMEMBER_COOKIE_DURATION", REMEMBER_FOR)

    proxies = int(app.config.get("PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                                x_prefix=proxies)

    redis_url = app.config.get("REDIS_URL")
    derive("RATELIMIT_STORAGE_URI", redis_url or "memory://")


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails: ``base_url`` + the path, never the request's ``Host`` header.

    Without ``base_url`` (development only: production refuses to start) the
    request's own host is used.
    """
    from flask import current_app

    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    script_root = request.script_root if request else ""
    if script_root and path.startswith(script_root):
        path = path[len(script_root):]  # base_url already names where the site is mounted
    return base + path


#: HSTS, sent with answers over HTTPS only.
STRICT_TRANSPORT_SECURITY = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def add_security_headers(response):
    """Headers every answer carries; HSTS only over HTTPS (behind a proxy: see ``proxies``)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if request.is_secure:
        headers.setdefault(*STRICT_TRANSPORT_SECURITY)
    return response
