"""The ``mitsprache`` command line: set up an instance, manage users, projects and phases.

``mitsprache init --demo && mitsprache serve`` is all a fresh machine needs.
Plugins add sub-commands through the ``register_commands`` hook
(e.g. ``mitsprache commenting import SLUG FILE.md``).
"""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from . import config as config_module
from .app import create_all_tables, create_app
from .export_cli import export_options, write_export
from .extensions import db
from .models import Project, User
from .plugins import PluginConfigError, available_plugins, enabled_plugins
from .scaffold import plugin_group
from .services import DomainError, add_phase, create_project, create_user, find_user, parse_moment


def _factory():
    # The command line must work on a database that is behind (db upgrade); serve checks itself.
    return create_app(startup_checks=False)


@click.command("init")
@click.option("--demo", is_flag=True, help="Add demo users and projects with phases in the past, present and future "
              "(a development site on http://127.0.0.1:5000).")
@click.option("--base-url", help="The address people reach the site at, e.g. https://beteiligung.musterstadt.de.")
def init_command(demo: bool, base_url: str | None) -> None:
    """Write instance/config.toml (with a fresh secret key) and create the database."""
    instance = config_module.resolve_instance_path()
    path = config_module.config_file(instance)
    if path.exists():
        added = config_module.add_secret_key(instance)
        click.echo(f"Using existing {path}" + (" (added a secret key)" if added else ""))
    else:
        # What the environment chose (MITSPRACHE_PLUGINS=…) is what the file records, so the
        # database and later commands without that variable agree on the plugins.
        written = {k: v for k, v in config_module.chosen_by_environment().items() if k != "secret_key"}
        if demo:
            written.update(environment="development", base_url="http://127.0.0.1:5000")
        if base_url:
            written["base_url"] = base_url
        config_module.write_config(instance, **written)
        click.echo(f"Wrote {path}")
    app = create_app(startup_checks=False)
    with app.app_context():
        create_all_tables()
        click.echo(f"Database ready: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
        if demo:
            if db.session.scalar(db.select(User.id).limit(1)):
                click.echo("The database has users already; no demo content added.")
                return
            from .demo import DEMO_PASSWORD, DEMO_USERS, seed_demo

            seed_demo()
            click.echo("Demo content added. Log in with any of these (password: %s):" % DEMO_PASSWORD)
            for key, email, name, admin in DEMO_USERS:
                click.echo(f"  {email:28} {name}{' (admin)' if admin else ''}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the site with Werkzeug's threaded server (one process). Use gunicorn in production (see README)."""
    from werkzeug.serving import run_simple

    from .startup import StartupError, check_ready_to_serve

    try:
        check_ready_to_serve(current_app._get_current_object())
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    from .logs import configure_logging
    from .metrics import serve as serve_metrics

    app = current_app._get_current_object()
    configure_logging(app.config)
    if address := serve_metrics(app):
        click.echo(f"Metrics on {address}")
    # Not app.run(): Flask ignores that inside its own CLI. One process with threads suits
    # the embedded SQLite default, whose writers then queue in core.sqlite_gate.
    click.echo(f"Serving Mitsprache on http://{host}:{port}/ (Ctrl+C to stop)")
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@click.group("user")
def user_group() -> None:
    """Manage user accounts."""


@user_group.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", help="Display name (default: the part before @).")
@click.option("--admin", is_flag=True, help="Make the user a site administrator.")
@with_appcontext
def user_create(email: str, password: str, name: str | None, admin: bool) -> None:
    """Create a user account."""
    try:
        user = create_user(email, password, name, is_admin=admin)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created user {user.email}{' (admin)' if admin else ''}.")


@user_group.command("delete")
@click.argument("email")
@click.option("--mode", type=click.Choice(["keep", "remove"]),
              help="Keep the contributions, shown as from a deleted account, or remove them "
                   "(default: the deleted_contributions setting).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def user_delete(email: str, mode: str | None, yes: bool) -> None:
    """Delete an account's personal data at once (DSGVO Art. 17); see docs/privacy.md."""
    from .account_deletion import delete_account

    user = find_user(email)
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"No user with the e-mail address {email}.")
    if not yes:
        click.confirm(f"Delete the account of {user.email} ({user.display_name})? This cannot be undone", abort=True)
    address = user.email
    # Plugins name contributions with links (url_for): a request at base_url lends them the site's address.
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://localhost"):
        done = delete_account(user, mode)
    what = "kept, shown as from a deleted account" if done.mode == "keep" else "removed"
    click.echo(f"Deleted the account of {address}: name, address and password are gone; "
               f"{done.contributions} contribution(s) {what}.")


@click.group("project")
def project_group() -> None:
    """Manage projects."""


@project_group.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--description", default="")
@click.option("--private", is_flag=True, help="Only invited members can see it.")
@click.option("--initiator", "initiator_email", help="E-mail of a user who will manage it.")
@with_appcontext
def project_create(slug: str, title: str, description: str, private: bool, initiator_email: str | None) -> None:
    """Create a project."""
    initiator = None
    if initiator_email:
        initiator = find_user(initiator_email)
        if initiator is None:
            raise click.ClickException(f"No user with the e-mail address {initiator_email}.")
    try:
        create_project(slug, title, description, is_public=not private, initiator=initiator)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created project {slug}.")


@click.group("phase")
def phase_group() -> None:
    """Manage the phases of a project."""


@phase_group.command("add")
@click.argument("slug")
@click.option("--kind", required=True, help="A phase kind offered by an enabled plugin.")
@click.option("--title", required=True)
@click.option("--start", required=True, help="ISO 8601, e.g. 2026-03-29T00:00 (deployment time zone) or with +01:00.")
@click.option("--end", required=True)
@with_appcontext
def phase_add(slug: str, kind: str, title: str, start: str, end: str) -> None:
    """Add a phase to a project."""
    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(f"No project '{slug}'.")
    try:
        phase = add_phase(project, kind, title, parse_moment(start), parse_moment(end))
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Added phase {phase.title!r} ({kind}) to {slug}.")


@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List installed plugins and whether they are enabled."""
    enabled = {name for name, _ in enabled_plugins(current_app.extensions["mitsprache"].pm)}
    for name, info in sorted(available_plugins().items()):
        click.echo(f"{name:16} {'enabled ' if name in enabled else 'disabled'}  {info.source}")


@click.command("export")
@click.argument("slug")
@click.argument("key")
@export_options
@with_appcontext
def export_command(slug: str, key: str, fmt: str, output: str | None, lang: str | None, dialect: str | None) -> None:
    """Export a project's data with one of the registered exporters."""
    write_export(slug, key, fmt, output, lang=lang, dialect=dialect)


@click.group("db")
def db_group() -> None:
    """Database schema: Alembic migrations of the core and of each enabled plugin.

    The site upgrades its schema when it starts; run ``db upgrade`` after
    updating to see what changes, before the workers restart.
    """


def _schema_app():
    """An app that has not touched the schema yet, so the commands report what they find."""
    return create_app(startup_checks=False)


def _schema_errors():
    from alembic.util import CommandError

    return (CommandError, ValueError, LookupError, RuntimeError)


def _echo_states(app) -> None:
    from .migrate import current

    enabled = {"core", *app.extensions["mitsprache"].plugin_names}
    for state in current(app):
        if state.branch not in enabled:
            status = "plugin disabled: left as it is"
        elif state.current is None:
            status = "not installed (db upgrade creates it)" if state.head else "no revisions"
        elif state.up_to_date:
            status = "head"
        else:
            status = f"behind: newest is {state.head} (run db upgrade)"
        click.echo(f"{state.branch:12} {state.current or '-':14} {status}")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the missing migrations of the core and every enabled plugin."""
    from .migrate import upgrade

    app = _schema_app()
    with app.app_context():
        try:
            done = upgrade(app)
        except _schema_errors() as exc:
            raise click.ClickException(str(exc)) from exc
        for step in done:
            click.echo(step[:1].upper() + step[1:] + ".")
        if not done:
            click.echo("The database is up to date.")
        _echo_states(app)


@db_group.command("current")
def db_current() -> None:
    """Show the revision of the core and of each plugin in the database."""
    app = _schema_app()
    with app.app_context():
        try:
            _echo_states(app)
        except _schema_errors() as exc:
            raise click.ClickException(str(exc)) from exc


@db_group.command("revision")
@click.argument("plugin_or_core")
@click.option("-m", "--message", required=True, help="What the revision changes, e.g. 'add idea summary'.")
@click.option("--empty", is_flag=True, help="Write an empty revision instead of comparing models and database.")
def db_revision(plugin_or_core: str, message: str, empty: bool) -> None:
    """Write a new revision for 'core' or an enabled plugin, autogenerated from its models (developers)."""
    from .migrate import make_revision

    app = _schema_app()
    with app.app_context():
        try:
            path = make_revision(app, plugin_or_core, message, autogenerate=not empty)
        except _schema_errors() as exc:
            hint = " Run 'mitsprache db upgrade' first." if "not up to date" in str(exc) else ""
            raise click.ClickException(f"{exc}{hint}") from exc
    click.echo(f"Wrote {path}. Review it, then run 'mitsprache db upgrade'.")


class _CommandGroup(FlaskGroup):
    """Flask's command group, whose command list (``mitsprache --help``) says in one line, not with a
    traceback, why the site cannot be loaded (a fresh folder without config.toml, say)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except Exception as exc:  # listing commands must never fail: show why, then what works anyway
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            click.echo(f"Note: {reason}", err=True)
            return sorted(click.Group.list_commands(self, ctx))
        return super().list_commands(ctx)


def build_cli() -> click.Group:
    cli = _CommandGroup(create_app=_factory, help="Mitsprache, a plugin-based online consultation server.")
    commands = (init_command, serve_command, user_group, project_group, phase_group, plugins_command, export_command)
    from .backup_cli import COMMANDS as backup_commands
    from .notifications.cli import COMMANDS as notification_commands
    from .search.cli import COMMANDS as search_commands

    for command in (*commands, db_group, plugin_group, *notification_commands, *backup_commands, *search_commands):
        cli.add_command(command)
    try:
        app = create_app(startup_checks=False)
    except PluginConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except RuntimeError:
        return cli  # no config yet: only the core commands (init) are useful
    app.extensions["mitsprache"].pm.hook.register_commands(cli=cli)
    return cli


def main() -> None:
    """The ``mitsprache`` command: every error is one line that says what to do, never a traceback.

    Set ``MITSPRACHE_TRACEBACK=1`` to see where an unexpected error came from.
    """
    import os

    from sqlalchemy.exc import SQLAlchemyError

    from .startup import StartupError

    try:
        build_cli()(standalone_mode=True)
    except (config_module.ConfigError, PluginConfigError, StartupError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        if os.environ.get("MITSPRACHE_TRACEBACK"):
            raise
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        _fail(f"the database cannot be used ({reason}). Run 'mitsprache db upgrade', or check database_url.")
    except Exception as exc:  # the last resort: one line, not a stack trace
        if os.environ.get("MITSPRACHE_TRACEBACK"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        _fail(f"unexpected {type(exc).__name__}: {first}. Set MITSPRACHE_TRACEBACK=1 to see where it happened.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
