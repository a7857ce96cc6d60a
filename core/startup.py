"""Refuse to serve a deployment that would fail its users: checked before the first request.

A site whose schema is behind its code answers 500 on the pages that use a new
column; a public site without a configured ``base_url`` would build the links
in its e-mails (password resets) from whatever ``Host`` header a request
brings, so an attacker could have a victim mailed a working reset link to the
attacker's host. Both are caught at start-up with one line that says what to
do, instead of at the first request::

    $ gunicorn --preload 'core:create_app()'
    Error: Mitsprache cannot start: the database schema is behind (core, ideas): run 'mitsprache db upgrade', then start again.

The check opens one database connection and closes it again (the engine is
disposed of), so nothing open crosses gunicorn's ``fork`` into the workers.
"""
from __future__ import annotations

import logging

from flask import Flask

from .extensions import db

log = logging.getLogger("mitsprache.startup")


class StartupError(RuntimeError):
    """The deployment is not ready to serve; the message says how to fix it.

    A ``RuntimeError``, so gunicorn prints it as one ``Error:`` line and exits.
    """


def is_production(app: Flask) -> bool:
    """Serving the public: anything but ``environment = "development"`` (the demo of ``make run``)."""
    return app.config.get("ENVIRONMENT", "production") != "development"


def check_ready_to_serve(app: Flask) -> None:
    """Raise :class:`StartupError` unless the settings and the schema are ready for requests."""
    if is_production(app) and not app.config.get("BASE_URL"):
        raise StartupError(
            "Mitsprache cannot start: base_url is not set. Set base_url = \"https://beteiligung.example.de\" "
            "in config.toml (or MITSPRACHE_BASE_URL); links in e-mails are built from it."
        )
    from .migrate import pending

    from sqlalchemy.exc import SQLAlchemyError

    with app.app_context():
        try:
            behind = pending(app)
        except SQLAlchemyError as exc:
            where = db.engine.url.render_as_string(hide_password=True)
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise StartupError(f"Mitsprache cannot start: the database {where} cannot be used ({reason}). "
                               "Check database_url and that the server runs.") from None
        finally:
            db.session.remove()
            db.engine.dispose()
    if behind:
        raise StartupError(
            f"Mitsprache cannot start: the database schema is behind ({', '.join(behind)}): "
            "run 'mitsprache db upgrade', then start again."
        )
    if is_production(app) and not app.config.get("REDIS_URL"):
        log.warning("Rate limits are counted per process: set redis_url when running more than one worker or node.")
