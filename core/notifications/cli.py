"""``mitsprache worker`` and ``mitsprache notifications send|status``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Send notification e-mails, daily digests and phase reminders (huey's consumer; Ctrl+C stops it)."""
    from ..logs import configure_logging
    from .tasks import run_worker

    app = current_app._get_current_object()
    configure_logging(app.config)  # log_format: text or one JSON object per line, like the site's
    where = app.config.get("TASK_QUEUE_URL") or f"{app.instance_path}/tasks.db"
    click.echo(f"Mitsprache worker: queue in {where.split('@')[-1]}; "
               f"mail {'via ' + app.config['SMTP_HOST'] if app.config.get('SMTP_HOST') else 'to the log (no smtp_host)'}")
    run_worker(app, workers=workers)


@click.group("notifications")
def notifications_group() -> None:
    """Notification e-mails: send what is due now, or see the outbox."""


@notifications_group.command("send")
@with_appcontext
def send_command() -> None:
    """Do one round of the worker now: reminders, due digests, then the outbox."""
    from .tasks import run_tick

    done = run_tick(current_app._get_current_object())
    click.echo(", ".join(f"{key}: {value}" for key, value in done.items()))


@notifications_group.command("status")
@with_appcontext
def status_command() -> None:
    """How many e-mails are waiting, sent, skipped or failed."""
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import Delivery

    rows = db.session.execute(select(Delivery.state, func.count(Delivery.id)).group_by(Delivery.state)).all()
    for state, count in sorted(rows):
        click.echo(f"{state:10} {count}")
    if not rows:
        click.echo("The outbox is empty.")


COMMANDS = (worker_command, notifications_group)
