"""Pages: the inbox (``/notifications``), the settings (``/notifications/settings``) and the unsubscribe link.

Every page works without JavaScript; with htmx, "mark read" swaps the list in
place and updates the header's count (an out-of-band swap of
``#notification-count``). The unsubscribe link works without logging in: its
signed token names the person and the kind.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField

from ..account_tokens import TokenError, read_token
from ..cache import cached_value
from ..cache_scopes import inbox_scope
from ..extensions import csrf, db
from ..forms import ConfirmForm
from ..htmx import render_page_or_fragment, wants_fragment
from ..numbers import MAX_PAGE, parse_int
from ..redirects import safe_next
from .api import mark_read, preferences_of, set_preference, unread_count
from .emails import UNSUBSCRIBE, entry
from .kinds import notification_kinds
from .models import ALL_KINDS, DIGEST, IMMEDIATE, OFF, Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PER_PAGE = 30
#: Unsubscribe links keep working this long (a digest read months later still unsubscribes).
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600

MODE_CHOICES = ((IMMEDIATE, _l("E-mail at once")), (DIGEST, _l("Daily summary")), (OFF, _l("Only here on the site")))


def _page_of_notifications(page: int) -> tuple[list[dict], bool]:
    rows = list(db.session.scalars(
        select(Notification).where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)
    ))
    kinds = notification_kinds()
    return [entry(n, kinds) for n in rows[:PER_PAGE]], len(rows) > PER_PAGE


def _inbox(status: int = 200):
    page = min(parse_int(request.args.get("page"), minimum=1) or 1, MAX_PAGE)
    entries, more = _page_of_notifications(page)
    response = render_page_or_fragment("notifications/inbox.html", "notifications/_list.html", status=status,
                                       entries=entries, page_number=page, more=more, unread=unread_count(current_user.id),
                                       form=ConfirmForm())
    return response


@bp.get("")
@login_required
def inbox():
    """The person's notifications, newest first, unread ones marked."""
    return _inbox()


@bp.post("/read")
@login_required
def read():
    """Mark one notification (``id``) or all of them read."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ident = parse_int(request.form.get("id"), minimum=1)
    mark_read(current_user.id, None if ident is None else [ident])
    db.session.commit()
    if wants_fragment():
        return _inbox()
    if ident is None:
        flash(_("All notifications are marked as read."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("notifications.inbox")))


@bp.get("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Follow a notification's link and count it as read."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        mark_read(current_user.id, [notification.id])
        db.session.commit()
    target = (notification.payload or {}).get("url")
    return redirect(safe_next(target, url_for("notifications.inbox")))


def _settings_form(kinds: dict, chosen: dict, formdata=None):
    class SettingsForm(FlaskForm):
        mute_all = BooleanField(_l("No e-mails at all (notifications stay here on the site)"))

    for name, kind in kinds.items():
        setattr(SettingsForm, f"kind_{name}", RadioField(kind.label, choices=MODE_CHOICES, default=chosen[name],
                                                           description=kind.audience))
    form = SettingsForm(formdata=formdata)
    if formdata is None:
        form.mute_all.data = chosen.get(ALL_KINDS) == OFF
    return form


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """How the person hears of each kind: e-mail at once, daily summary, or only the inbox."""
    kinds = notification_kinds()
    chosen = preferences_of(current_user.id)
    form = _settings_form(kinds, chosen, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        for name in kinds:
            set_preference(current_user.id, name, getattr(form, f"kind_{name}").data)
        set_preference(current_user.id, ALL_KINDS, OFF if form.mute_all.data else IMMEDIATE)
        db.session.commit()
        flash(_("Your notification settings have been saved."), "success")
        return redirect(url_for("notifications.settings"))
    fields = [(getattr(form, f"kind_{name}"), kind) for name, kind in kinds.items()]
    status = 400 if form.errors else 200
    return render_template("notifications/settings.html", form=form, fields=fields), status


def _unsubscribe_target(token: str):
    from ..models import User

    try:
        data = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    except TokenError:
        return None, None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    kind = data.get("kind")
    kinds = notification_kinds()
    if user is None or not isinstance(kind, str) or (kind != ALL_KINDS and kind not in kinds):
        return None, None
    return user, kind


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs post here without a form (RFC 8058)
def unsubscribe(token: str):
    """One click from an e-mail, no login: turn off e-mails of one kind, or all of them.

    A GET only shows the button (link scanners in mail systems open links),
    the POST unsubscribes; ``List-Unsubscribe-Post`` makes mail programs post.
    """
    user, kind = _unsubscribe_target(token)
    if user is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    label = notification_kinds()[kind].label if kind != ALL_KINDS else None
    done = request.method == "POST"
    if done:
        set_preference(user.id, kind, OFF)
        db.session.commit()
    return render_template("notifications/unsubscribe.html", invalid=False, done=done, label=label, token=token,
                           email=user.email)


def header_count() -> int | None:
    """The header's unread count for the logged-in person (None for visitors).

    Cached by the person's inbox scope, whose version the page's first versions query reads along
    (core.cache_scopes): on a cached page it costs no query, and a new or read notification shows at once.
    """
    if not getattr(current_user, "is_authenticated", False):
        return None
    user_id = current_user.id
    return cached_value(("notifications.unread", user_id), lambda: unread_count(user_id), scopes=[inbox_scope(user_id)])
