"""Deployment settings: defaults, then ``instance/config.toml``, then environment.

The instance folder is the deployment: its ``config.toml`` and (by default) the
SQLite database live there, and nothing in it is committed. Every key can be
overridden by an environment variable ``MITSPRACHE_<KEY>`` (upper case), which is
how containers and CI configure the app without writing files::

    # instance/config.toml
    secret_key = "…"
    database_url = "postgresql+psycopg://mitsprache@localhost/mitsprache"
    plugins = ["comments", "commenting"]
    theme = "civic"

    $ MITSPRACHE_PLUGINS=comments,ideas mitsprache serve
"""
from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

#: The plugins a fresh ``mitsprache init`` enables: all built-in ones.
DEFAULT_PLUGINS = ["comments", "commenting", "ideas", "voting"]

DEFAULTS: dict[str, Any] = {
    "secret_key": None,
    "database_url": None,  # None: SQLite file in the instance folder
    "plugins": DEFAULT_PLUGINS,
    "theme": "default",
    "default_locale": "de",
    "timezone": "Europe/Berlin",
    "site_name": "Mitsprache",
    "mail_sender": "noreply@localhost",
    # The address people reach the site at, e.g. "https://beteiligung.musterstadt.de". Links in
    # e-mails are built from it and requests for other hosts are refused; required in production.
    "base_url": None,
    # "production" (the default) or "development" (the demo of `make run`: no base_url needed).
    "environment": "production",
    # How many reverse proxies stand in front of the app and set X-Forwarded-For/-Proto/-Host
    # (Werkzeug's ProxyFix trusts exactly that many). 0: the app faces clients directly.
    "proxies": 0,
    # Redis, shared by every worker and node: rate limits are counted there (required with more
    # than one worker, or each worker counts on its own). Unset: counted in memory per process.
    "redis_url": None,
    # More host names to answer to besides base_url's (e.g. an internal health-check name).
    "trusted_hosts": [],
}

#: How each setting maps onto Flask's config keys.
FLASK_KEYS = {
    "secret_key": "SECRET_KEY",
    "database_url": "SQLALCHEMY_DATABASE_URI",
    "plugins": "MITSPRACHE_PLUGINS",
    "theme": "MITSPRACHE_THEME",
    "default_locale": "BABEL_DEFAULT_LOCALE",
    "timezone": "BABEL_DEFAULT_TIMEZONE",
    "site_name": "SITE_NAME",
    "mail_sender": "MAIL_SENDER",
    "base_url": "MITSPRACHE_BASE_URL",
    "environment": "MITSPRACHE_ENVIRONMENT",
    "proxies": "MITSPRACHE_PROXIES",
    "redis_url": "MITSPRACHE_REDIS_URL",
    "trusted_hosts": "MITSPRACHE_TRUSTED_HOSTS",
}

ENV_PREFIX = "MITSPRACHE_"


class ConfigError(RuntimeError):
    """A setting has a value the app cannot use; the message names the setting and the fix."""


def resolve_instance_path(instance_path: str | os.PathLike | None = None) -> Path:
    """The instance folder: the argument, else ``$MITSPRACHE_INSTANCE``, else ``./instance``."""
    raw = instance_path or os.environ.get("MITSPRACHE_INSTANCE") or "instance"
    return Path(raw).resolve()


def config_file(instance_path: Path) -> Path:
    return instance_path / "config.toml"


def load_settings(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Merge defaults, the instance's config.toml and ``MITSPRACHE_*`` variables."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    path = config_file(instance_path)
    if path.exists():
        with path.open("rb") as fh:
            settings.update(tomllib.load(fh))
    for key in DEFAULTS:
        value = environ.get(ENV_PREFIX + key.upper())
        if value is None:
            continue
        if isinstance(DEFAULTS[key], list):
            settings[key] = [p.strip() for p in value.split(",") if p.strip()]
        elif isinstance(DEFAULTS[key], int):
            try:
                settings[key] = int(value)
            except ValueError:
                raise ConfigError(f"{ENV_PREFIX}{key.upper()} must be a whole number, not {value!r}.") from None
        else:
            settings[key] = value
    if not settings["database_url"]:
        settings["database_url"] = f"sqlite:///{instance_path / 'mitsprache.db'}"
    return settings


def to_flask_config(settings: dict[str, Any]) -> dict[str, Any]:
    """Translate settings into the Flask config keys the extensions read."""
    config = {FLASK_KEYS[k]: v for k, v in settings.items() if k in FLASK_KEYS}
    # Extra keys in config.toml (e.g. plugin settings) pass through upper-cased.
    config.update({k.upper(): v for k, v in settings.items() if k not in FLASK_KEYS})
    return config


def write_config(instance_path: Path, **overrides: Any) -> Path:
    """Write a new config.toml with a fresh secret key; never overwrites one."""
    path = config_file(instance_path)
    if path.exists():
        raise FileExistsError(path)
    instance_path.mkdir(parents=True, exist_ok=True)
    values = {**DEFAULTS, "secret_key": secrets.token_urlsafe(48), **overrides}
    lines = ["# Mitsprache deployment settings. Environment variables MITSPRACHE_<KEY> override them."]
    for key, value in values.items():
        if value is None:
            lines.append(f"# {key} = \"\"  (unset: see README)")
        elif isinstance(value, list):
            lines.append(f"{key} = [{', '.join(_quote(v) for v in value)}]")
        else:
            lines.append(f"{key} = {_quote(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quote(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
