"""Rate limits that stop abuse but never a normal person, nor a whole city behind one address.

Who is counted:

- a logged-in person by their account (``user:<id>``), wherever they post from;
- everyone else by their own address, which behind a reverse proxy is only
  known when ``proxies`` is configured (see :mod:`core.security`);
- a login attempt also by the address it tries (failed attempts only), so
  guessing one account's password is slow even from many addresses, while the
  per-address limit stays generous: a town hall's shared address must not lock
  out everyone after ten typos.

Counters live in Redis when ``redis_url`` is set (shared by every worker and
node), else in each process's memory. Plugins limit their own write routes
with :func:`posting_limit`::

    from core.toolkit import posting_limit

    @bp.post("/<int:idea_id>/comment")
    @posting_limit("IDEA_RATE_LIMIT")
    def create(idea_id): ...

Each limit is a Flask config key, so a deployment (or a test) can change it.
"""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_limiter.util import get_remote_address

from .extensions import limiter
from .services import normalise_email

DEFAULTS = {
    # Failed logins per address tried; and all logins per client address (a shared office or school).
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "LOGIN_ADDRESS_RATE_LIMIT": "60 per minute;600 per hour",
    "REGISTER_RATE_LIMIT": "5 per minute;30 per hour",
    # Contributions per account: fast typists post a few a minute; a script posts hundreds.
    "COMMENT_RATE_LIMIT": "10 per minute;120 per hour;500 per day",
    "IDEA_RATE_LIMIT": "5 per minute;30 per hour;100 per day",
    "REPORT_RATE_LIMIT": "10 per minute;60 per hour",
}


def client_key() -> str:
    """The account of a logged-in person, else the client's address."""
    if current_user and getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"addr:{get_remote_address()}"


def login_account_key() -> str:
    """The account a login tries to enter (by its normalised address)."""
    return "login:" + normalise_email(request.form.get("email", ""))[:254]


def login_account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def posting_limit(config_key: str):
    """Decorator: limit a write route per account (or address) by the limit in ``config_key``.

    Only POST counts; the page with the form stays free to load.
    """
    return limiter.limit(lambda: current_app.config[config_key], key_func=client_key, methods=["POST"],
                         scope=config_key.lower())


def install_defaults(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
