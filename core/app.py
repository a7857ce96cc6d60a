"""The application factory: one call builds a complete, isolated Mitsprache app.

Each step is one function below, in the order ``create_app`` runs them. Nothing
lives at module level, so tests can build apps with different plugins, clocks
and databases side by side.
"""
from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request, send_from_directory, session
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from sqlalchemy import event

from . import config as config_module
from . import form_translations, page_shortcut
from .clock import SystemClock
from .extensions import csrf, db, htmx, limiter, login_manager
from .models import CORE_MODELS, load_user_by_session_id
from .plugins import build_plugin_manager, enabled_plugins, plugin_folder, registered_by
from .registry import Registry
from .ratelimits import install_defaults as install_rate_limit_defaults
from .security import add_security_headers
from .security import configure as configure_security

CORE_DIR = Path(__file__).parent
PROJECT_ROOT = CORE_DIR.parent
THEMES_DIR = Path(importlib.util.find_spec("themes").origin).parent  # shipped as a package (themes/__init__.py)
LANGUAGES = ("de", "en")

log = logging.getLogger(__name__)


def vendor_dir() -> Path:
    """Where the npm packages are: copied into the installed wheel (setup.py), else the checkout's node_modules."""
    packaged = CORE_DIR / "vendor"
    return packaged if packaged.is_dir() else PROJECT_ROOT / "node_modules"


@dataclass
class Mitsprache:
    """Per-app state that plugins and views reach through ``current_app.extensions["mitsprache"]``."""

    pm: Any
    registry: Registry
    clock: Any
    instance_path: Path
    models: list[type] = field(default_factory=list)

    @property
    def plugin_names(self) -> list[str]:
        return [name for name, _ in enabled_plugins(self.pm)]


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    instance_path: str | os.PathLike | None = None,
    clock: Any = None,
    extra_plugins: list[Any] | None = None,
    startup_checks: bool | None = None,
) -> Flask:
    """Build the app for the instance folder (``instance_path``, ``$MITSPRACHE_INSTANCE`` or ``./instance``).

    ``test_config`` overrides settings (Flask config keys or config.toml keys);
    ``clock`` replaces the system clock; ``extra_plugins`` registers plugin
    objects without installing them.

    Building the app never touches the database schema and leaves no database
    connection open: gunicorn's ``--preload`` builds it in the master process
    and forks the workers from it, and a connection (or SQLite file
    descriptor) inherited across ``fork`` is shared by every worker. The schema
    is brought up to date by ``mitsprache db upgrade`` (or ``init``), and
    :func:`core.startup.check_ready_to_serve` refuses to serve while it is
    behind. That check runs here unless ``startup_checks`` is False (the
    command line, which must work on a database that is behind) or the app
    is ``TESTING``.
    """
    instance = config_module.resolve_instance_path(instance_path)
    # Pass instance_path explicitly: an installed package would otherwise look under $PREFIX/var.
    app = Flask(
        "mitsprache",
        instance_path=str(instance),
        static_folder=str(CORE_DIR / "static"),
        template_folder=None,
        root_path=str(CORE_DIR),
    )
    _configure(app, instance, test_config or {})
    pm = build_plugin_manager(app.config["PLUGINS"], extra_plugins)
    state = Mitsprache(pm=pm, registry=Registry(), clock=clock or SystemClock(), instance_path=instance)
    app.extensions["mitsprache"] = state

    _init_extensions(app)
    _collect_registrations(app, state)
    _configure_templates(app, state)
    _register_core_views(app)
    _register_plugin_views(app, state)
    _register_request_hooks(app)
    _register_operations(app)
    if startup_checks if startup_checks is not None else not app.testing:
        from .startup import check_ready_to_serve

        check_ready_to_serve(app)
    return app


def _configure(app: Flask, instance: Path, overrides: dict[str, Any]) -> None:
    """Our defaults for the extensions, then the deployment's settings (:func:`core.config.load`)."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # a long read of a draft must not expire the comment form
        MAX_CONTENT_LENGTH=4 * 1024 * 1024,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        RATELIMIT_HEADERS_ENABLED=True,
        VENDOR_DIR=str(vendor_dir()),
        LANGUAGES=LANGUAGES,
    )
    explicit = {key for key in overrides if key not in config_module.DEFAULTS}
    config_module.load(app.config, instance, overrides)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and "database_url" not in overrides:
        instance.mkdir(parents=True, exist_ok=True)
    # Inside ProxyFix (which configure_security may add): anonymous pages answered from their recipe.
    page_shortcut.install_front_door(app)
    configure_security(app, explicit=explicit)
    install_rate_limit_defaults(app)
    if not app.config.get("SECRET_KEY"):
        raise config_module.ConfigError(
            f"No secret key: run 'mitsprache init' to write {config_module.config_file(instance)}, "
            "or set MITSPRACHE_SECRET_KEY."
        )
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = uri.replace("postgresql://", "postgresql+psycopg://", 1)
    if uri.startswith("sqlite") and "SQLALCHEMY_ENGINE_OPTIONS" not in explicit:
        # 30 s busy timeout: concurrent writers wait for the lock instead of failing.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from . import sqlite_gate

        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
            sqlite_gate.install(db.engine)
    csrf.init_app(app)
    form_translations.install(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user_by_session_id)
    from . import http_cache
    from .cache import DEFAULTS as CACHE_DEFAULTS
    from .cache import cache

    for key, value in CACHE_DEFAULTS.items():
        app.config.setdefault(key, value)
    cache.init_app(app)
    http_cache.init_app(app)
    track_changes_once()
    # One Babel per app: its catalog cache is keyed by locale only (see core/extensions.py).
    Babel().init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=";".join(_translation_dirs(app)),
    )


def track_changes_once() -> None:
    """Install the cache scope tracking (core.cache_scopes) on SQLAlchemy's session class, once per process."""
    from sqlalchemy.orm import Session

    from .cache_scopes import track_changes

    if not getattr(Session, "_mitsprache_tracked", False):
        track_changes(Session)
        Session._mitsprache_tracked = True


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work while one writer writes; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _translation_dirs(app: Flask) -> list[str]:
    dirs = [str(CORE_DIR / "translations")]
    for _name, module in enabled_plugins(app.extensions["mitsprache"].pm):
        folder = plugin_folder(module, "translations")
        if folder:
            dirs.append(str(folder))
    return dirs


def select_locale() -> str:
    """The user's chosen language, then the browser's, then the deployment's default."""
    from flask import current_app, has_request_context

    if not has_request_context():  # CLI commands, exports: the deployment's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _collect_registrations(app: Flask, state: Mitsprache) -> None:
    """Run the startup hooks once and keep what they register."""
    hook = state.pm.hook

    def register_kind(kind, plugin_name):
        if kind.name in state.registry.phase_kinds:
            raise RuntimeError(f"phase kind {kind.name!r} registered twice")
        state.registry.phase_kinds[kind.name] = replace(kind, plugin=plugin_name, features=frozenset(kind.features))

    # Called per implementation so each kind remembers which plugin offers it.
    for impl in hook.register_phase_kinds.get_hookimpls():
        impl.function(register=lambda kind, _name=impl.plugin_name: register_kind(kind, _name))
    hook.register_nav_items(register=state.registry.nav_items.append)
    state.registry.nav_items.sort(key=lambda item: item.order)

    def register_exporter(exporter):
        if exporter.key in state.registry.exporters:
            raise RuntimeError(f"exporter {exporter.key!r} registered twice")
        state.registry.exporters[exporter.key] = exporter

    hook.register_exporters(register=register_exporter)
    from .notifications.models import NOTIFICATION_MODELS  # the core's own tables, kept beside their code

    from .results.models import RESULT_MODELS

    from .search.models import SEARCH_MODELS

    state.models = list(CORE_MODELS) + NOTIFICATION_MODELS + SEARCH_MODELS + RESULT_MODELS + _registered(hook.register_models)
    _collect_item_types(state)
    from .notifications.kinds import collect_notification_kinds
    from .notifications.tasks import send_soon_after_commit

    collect_notification_kinds(state)
    send_soon_after_commit()
    from .search.sources import collect_search_sources

    collect_search_sources(state)


RESERVED_ITEM_TYPES = frozenset({"c", "moderation", "export"})  # path segments that plugins' URLs use


def _registered(hook_caller) -> list[Any]:
    """What every implementation of a startup hook registered, in hook call order."""
    return [thing for impl in reversed(hook_caller.get_hookimpls()) for thing in registered_by(impl)]


def _collect_item_types(state: Mitsprache) -> None:
    for impl in state.pm.hook.register_item_types.get_hookimpls():
        def register(item, _plugin=impl.plugin_name):
            if item.type in RESERVED_ITEM_TYPES or "/" in item.type:
                raise RuntimeError(f"{item.type!r} cannot be an item type name")
            if item.type in state.registry.item_types:
                raise RuntimeError(f"item type {item.type!r} registered twice")
            state.registry.item_types[item.type] = replace(item, plugin=_plugin, offers=frozenset(item.offers))

        impl.function(register=register)


def _configure_templates(app: Flask, state: Mitsprache) -> None:
    """Lookup order: active theme, default theme, plugins, core.

    The ``core/…`` and ``default-theme/…`` prefixes reach a specific layer, so an
    override can ``{% extends "core/projects/project.html" %}`` and add to it.
    Plugin templates live in ``<plugin>/templates/<plugin>/…``, namespaced by folder.
    """
    theme = app.config.get("THEME", "default")
    if not (THEMES_DIR / theme).is_dir():
        raise RuntimeError(f"Theme '{theme}' not found in {THEMES_DIR}.")
    theme_dirs = [THEMES_DIR / theme / "templates"]
    if theme != "default":
        theme_dirs.append(THEMES_DIR / "default" / "templates")
    plugin_dirs = {}
    for name, module in enabled_plugins(state.pm):
        folder = plugin_folder(module, "templates")
        if folder:
            plugin_dirs[name] = folder
    core_loader = FileSystemLoader(str(CORE_DIR / "templates"))
    prefixes = {"core": core_loader, "default-theme": FileSystemLoader(str(THEMES_DIR / "default" / "templates"))}
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader([str(d) for d in theme_dirs]),
            FileSystemLoader([str(d) for d in plugin_dirs.values()]),
            core_loader,
            PrefixLoader(prefixes),
        ]
    )
    app.config["THEME_STATIC_DIRS"] = [str(THEMES_DIR / t / "static") for t in dict.fromkeys([theme, "default"])]
    app.config["PLUGIN_STATIC_DIRS"] = {
        name: str(folder)
        for name, module in enabled_plugins(state.pm)
        if (folder := plugin_folder(module, "static"))
    }
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_core_views(app: Flask) -> None:
    from .numbers import IdConverter
    from .views import register_core_views

    # Before any <int:…> route is added (rules bind their converter then): numbers no id can have are 404s.
    app.url_map.converters["int"] = IdConverter
    register_core_views(app)

    @app.get("/theme/<path:filename>")
    def theme_static(filename):
        for folder in app.config["THEME_STATIC_DIRS"]:
            # os.path.isfile, not Path.is_file: it says False for names the OS refuses (too long), never raises.
            if os.path.isfile(Path(folder) / filename):
                return send_from_directory(folder, filename, max_age=3600)
        abort(404)

    @app.get("/plugins/<plugin>/static/<path:filename>")
    def plugin_static(plugin, filename):
        folder = app.config["PLUGIN_STATIC_DIRS"].get(plugin)
        if folder is None:
            abort(404)
        return send_from_directory(folder, filename, max_age=3600)

    @app.get("/vendor/<path:filename>")
    def vendor_static(filename):
        """Front-end packages installed from npm at pinned versions (see package.json)."""
        allowed = {"htmx.min.js": "htmx.org/dist/htmx.min.js"}
        if filename not in allowed:
            abort(404)
        path = Path(app.config["VENDOR_DIR"]) / allowed[filename]
        if not path.is_file():
            abort(404)
        return send_from_directory(path.parent, path.name, max_age=86400)


def _register_plugin_views(app: Flask, state: Mitsprache) -> None:
    for blueprint in _registered(state.pm.hook.register_blueprints):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from .input_checks import refuse_nul_characters
    from .policy import forget_decisions_after_writes
    from .template_helpers import register_template_helpers

    register_template_helpers(app)
    forget_decisions_after_writes()

    app.before_request(refuse_nul_characters)
    # Runs after the security headers are added: the recipe records them.
    page_shortcut.init_app(app)
    app.after_request(add_security_headers)

    @app.teardown_request
    def forget_request_caches(_exc):
        g.pop("_mitsprache_roles", None)
        g.pop("_mitsprache_phases", None)
        g.pop("_mitsprache_tabs", None)
        g.pop("_mitsprache_decisions", None)


def _register_operations(app: Flask) -> None:
    """What operators need (docs/operations.md): request ids, health probes, optional metrics."""
    from . import health, metrics, request_id

    request_id.install(app)
    health.install(app)
    metrics.install(app)


def create_all_tables() -> None:
    """Bring the current app's database schema up to date (``mitsprache db upgrade`` does the same).

    Alembic upgrades the core and each enabled plugin to its newest revision
    (:func:`core.migrate.upgrade`): a fresh database gets every table, an
    existing one the changes it lacks. Disabled plugins get no tables. Run it
    inside ``app.app_context()``; ``create_app`` itself never does (see there).
    """
    from flask import current_app

    from .migrate import upgrade

    for step in upgrade(current_app._get_current_object()):
        log.info("database: %s", step)
