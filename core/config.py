"""Deployment settings, loaded the Flask way: defaults, then ``instance/config.toml``, then the environment.

The instance folder is the deployment: its ``config.toml`` and (by default) the
SQLite database live there, and nothing in it is committed. ``config.toml``
uses the lower-case names below; each becomes the upper-case Flask config key
(``base_url`` → ``app.config["BASE_URL"]``). Then Flask's own
``config.from_prefixed_env("MITSPRACHE")`` applies every ``MITSPRACHE_<KEY>``
variable, so *any* key can be set from the environment, the documented ones
and the extensions' alike (``MITSPRACHE_SMTP_HOST``,
``MITSPRACHE_COMMENT_RATE_LIMIT``, ``MITSPRACHE_SQLALCHEMY_ENGINE_OPTIONS='{"pool_size": 20}'``).
Values are read as JSON where they are JSON (numbers, ``true``, lists),
otherwise as text; lists may also be written comma-separated::

    # instance/config.toml
    secret_key = "…"
    database_url = "postgresql+psycopg://mitsprache@localhost/mitsprache"
    plugins = ["comments", "commenting"]
    theme = "civic"

    $ MITSPRACHE_PLUGINS=comments,ideas mitsprache serve
"""
from __future__ import annotations

import json
import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

from flask import Config

#: The plugins a fresh ``mitsprache init`` enables: all built-in ones.
DEFAULT_PLUGINS = ["comments", "commenting", "ideas", "voting", "matchmaking", "responses"]
ENV_PREFIX = "MITSPRACHE"

DEFAULTS: dict[str, Any] = {
    "secret_key": None,
    "database_url": None,  # None: SQLite file in the instance folder
    "plugins": DEFAULT_PLUGINS,
    "theme": "default",
    "default_locale": "de",
    "timezone": "Europe/Berlin",
    "site_name": "Mitsprache",
    # The organisation named under official responses when a project names none (its form's
    # "Organisation" field); unset: the site name.
    "organisation_name": None,
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
    "extra_hosts": [],
    # Where `mitsprache worker` keeps its task queue (notification e-mails, digests, reminders):
    # unset, a SQLite file in the instance folder (one server); "redis://127.0.0.1:6379/1" for several nodes.
    "task_queue_url": None,
    # The hour (0-23, in `timezone`) from which the daily notification digests are sent.
    "digest_hour": 7,
    # The operator's imprint (Impressum) and privacy notice (Datenschutzerklärung), linked in every
    # page's footer and (the privacy notice) next to the consent at registration. Either the address
    # of the pages on the operator's own site, e.g. "https://www.musterstadt.de/datenschutz", or the
    # text itself as HTML in imprint_html / privacy_html (a TOML multi-line string; sanitized like
    # any rich text), served at /impressum and /datenschutz. German public sites need both.
    "imprint_url": None,
    "privacy_url": None,
    "imprint_html": None,
    "privacy_html": None,
    # What happens to a deleted account's contributions (comments, ideas, votes): "keep" shows them
    # as from a "deleted account", so discussions stay readable and counts stay exact; "remove"
    # removes them too. Either way the name, address and password go at once (docs/privacy.md).
    "deleted_contributions": "keep",
    # Logs (docs/operations.md): "text" lines, or "json" for one JSON object per line (a log
    # collector's format). Every line of a request carries its request id. Set by `gunicorn -c
    # python:core.gunicorn_conf`, `mitsprache serve` and `mitsprache worker`.
    "log_format": "text",
    "log_level": "INFO",
    # Client addresses and e-mail addresses appear in the logs only with this set to true
    # (personal data under the DSGVO: log them only with a reason and a deletion period).
    "log_personal_data": False,
    # Prometheus metrics (pip install 'mitsprache[metrics]'), served on their own address, never
    # on the public site: by gunicorn's master process, or by `mitsprache serve`.
    "metrics": False,
    "metrics_bind": "127.0.0.1:9200",
}

#: The values ``deleted_contributions`` may take.
DELETION_MODES = ("keep", "remove")

#: Settings that are lists or whole numbers; the rest are text (or unset).
_LISTS = {name for name, value in DEFAULTS.items() if isinstance(value, list)}
_NUMBERS = {name for name, value in DEFAULTS.items() if isinstance(value, int) and not isinstance(value, bool)}
_FLAGS = {name for name, value in DEFAULTS.items() if isinstance(value, bool)}


class ConfigError(RuntimeError):
    """A setting has a value the app cannot use; the message names the setting and the fix."""


def resolve_instance_path(instance_path: str | os.PathLike | None = None) -> Path:
    """The instance folder: the argument, else ``$MITSPRACHE_INSTANCE``, else ``./instance``."""
    raw = instance_path or os.environ.get("MITSPRACHE_INSTANCE") or "instance"
    return Path(raw).resolve()


def config_file(instance_path: Path) -> Path:
    return instance_path / "config.toml"


def _upper_keys(fh) -> dict[str, Any]:
    """config.toml's lower-case names as Flask's upper-case keys (``Config.from_file`` keeps only those)."""
    return {key.upper(): value for key, value in tomllib.load(fh).items()}


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def load(config: Config, instance_path: Path, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``config``: defaults < config.toml < ``MITSPRACHE_*`` < ``overrides`` (tests, scripts).

    ``overrides`` may use setting names (``plugins``) or Flask keys (``TESTING``).
    """
    config.from_mapping({name.upper(): list(value) if isinstance(value, list) else value
                         for name, value in DEFAULTS.items()})
    path = config_file(instance_path)
    try:
        config.from_file(str(path), load=_upper_keys, silent=True, text=False)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the file and start again.") from None
    config.from_prefixed_env(ENV_PREFIX, loads=_json_or_text)
    config.update({key.upper() if key in DEFAULTS else key: value for key, value in (overrides or {}).items()})
    _normalise(config, instance_path)


def _normalise(config: Config, instance_path: Path) -> None:
    """Settings as the code expects them, whatever the source wrote (TOML, JSON or plain text)."""
    for name in DEFAULTS:
        key, value = name.upper(), config.get(name.upper())
        if name in _LISTS:
            if isinstance(value, str):
                config[key] = [part.strip() for part in value.split(",") if part.strip()]
            elif not isinstance(value, list | tuple):
                raise ConfigError(f"{name} must be a list, e.g. {name} = [\"a\", \"b\"] (or MITSPRACHE_{key}=a,b).")
        elif name in _NUMBERS:
            try:
                config[key] = int(value or 0)
            except (TypeError, ValueError):
                raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
        elif name in _FLAGS:
            config[key] = _flag(name, value)
        elif value is not None and not isinstance(value, str):
            config[key] = str(value)  # MITSPRACHE_SECRET_KEY=12345 arrives as a JSON number
    _check_account_settings(config)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'mitsprache.db'}"
    config.setdefault("SQLALCHEMY_DATABASE_URI", config["DATABASE_URL"])
    config.setdefault("BABEL_DEFAULT_LOCALE", config["DEFAULT_LOCALE"])
    config.setdefault("BABEL_DEFAULT_TIMEZONE", config["TIMEZONE"])


def _flag(name: str, value: Any) -> bool:
    """true/false from TOML or JSON, or the words people write in an environment variable."""
    if isinstance(value, bool):
        return value
    words = {"1": True, "yes": True, "on": True, "true": True, "0": False, "no": False, "off": False,
             "false": False, "": False, "none": False}
    if str(value).strip().lower() in words:
        return words[str(value).strip().lower()]
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def _check_account_settings(config: Config) -> None:
    """The imprint, privacy notice and deletion settings make sense, or the message says how to fix them."""
    for page in ("imprint", "privacy"):
        url, html = config.get(f"{page.upper()}_URL"), config.get(f"{page.upper()}_HTML")
        if url and html:
            raise ConfigError(f"Set {page}_url or {page}_html, not both: the footer links to one of them.")
        if url and not (url.startswith(("https://", "http://")) or url.startswith("/")):
            raise ConfigError(f"{page}_url must be an address like https://www.example.de/{page}, not {url!r}.")
    mode = config.get("DELETED_CONTRIBUTIONS")
    if mode not in DELETION_MODES:
        raise ConfigError(f"deleted_contributions must be \"keep\" or \"remove\", not {mode!r}.")


def chosen_by_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment sets (``MITSPRACHE_<NAME>``), for ``init`` to write down."""
    environ = os.environ if environ is None else environ
    config = Config(".")
    for name in DEFAULTS:
        raw = environ.get(f"{ENV_PREFIX}_{name.upper()}")
        if raw is not None:
            config[name.upper()] = _json_or_text(raw)
    chosen = {k.lower(): v for k, v in config.items()}
    probe = Config(".")
    probe.update({k.upper(): v for k, v in {**DEFAULTS, **chosen}.items()})
    _normalise(probe, Path("."))
    return {name: probe[name.upper()] for name in chosen}


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


def add_secret_key(instance_path: Path) -> bool:
    """Append a fresh ``secret_key`` to an existing config.toml that lacks one; True if it did."""
    path = config_file(instance_path)
    with path.open("rb") as fh:
        if tomllib.load(fh).get("secret_key"):
            return False
    text = path.read_text(encoding="utf-8")
    path.write_text(f'secret_key = "{secrets.token_urlsafe(48)}"\n' + text, encoding="utf-8")
    return True


def _quote(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
