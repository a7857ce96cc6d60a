"""The person's own account beyond logging in: a new e-mail address, their data, deleting the account.

- **E-mail change**, confirmed again: the form asks for the current password
  (a stolen session alone cannot move the account to another address); the
  new address gets a signed link valid for a day, the old one is told at once
  (with the way to stop it: changing the password voids the link). The address
  changes only when the link is opened and confirmed with a button, which
  ends every session of the person (this one goes on if it is theirs).
  Whether the new address belongs to another account is told only to that
  address, never to the person asking.
- **Download my data** (DSGVO Art. 15/20): a ZIP of ``data.json`` and a
  readable ``index.html`` (:mod:`core.data_export`).
- **Delete my account** (Art. 17), confirmed with the password
  (:mod:`core.account_deletion`).
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..account_deletion import delete_account, last_admin
from ..account_tokens import CHANGE_ADDRESS, TokenError, make_token, password_fingerprint, read_token
from ..clock import now
from ..data_export import data_archive
from ..extensions import db, limiter
from ..forms import ChangeEmailForm, ConfirmForm, DeleteAccountForm
from ..mail import send_mail
from ..models import User
from ..ratelimits import register_limit
from ..security import external_url
from ..services import find_user, normalise_email
from .auth import render_profile, start_session

bp = Blueprint("account", __name__, url_prefix="/account")

CHANGE_MAX_AGE = 24 * 3600  # seconds a link to confirm a new address stays valid


def address_fingerprint(user: User) -> str:
    """Changes when the address does, so a confirmation link works once; the address itself is not in the link."""
    return hashlib.sha256(user.email.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------
# E-mail change
# ---------------------------------------------------------------------------


@bp.post("/email")
@login_required
@limiter.limit(register_limit, methods=["POST"])
def email_change():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        new = normalise_email(form.email.data)
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif new == user.email:
            form.email.errors.append(_("This is your current address already."))
        else:
            _send_change_mails(user, new)
            flash(_("We have sent a link to %(email)s. Your address changes when you open it (within a day).",
                    email=new), "info")
            return redirect(url_for("auth.profile"))
    return render_profile(email_form=form, status=400)


def _send_change_mails(user: User, new: str) -> None:
    site = current_app.config["SITE_NAME"]
    if find_user(new) is not None:
        # Taken: told only to the address's owner; the person asking sees the usual answer.
        send_mail(new, _("Your e-mail address at %(site)s", site=site),
                  _("Someone asked to use this e-mail address for an account at %(site)s, but it belongs to "
                    "an account already (perhaps yours). Nothing has changed.", site=site))
    else:
        token = make_token(CHANGE_ADDRESS, {"uid": user.id, "new": new, "h": password_fingerprint(user),
                                            "old": address_fingerprint(user)})
        send_mail(new, _("Confirm your new e-mail address"),
                  _("Open this link within a day to make %(email)s the e-mail address of your account at "
                    "%(site)s:\n\n%(link)s\n\nIf you did not ask for this, ignore this message; nothing changes.",
                    email=new, site=site, link=external_url("account.email_confirm", token=token)))
    send_mail(user.email, _("Your e-mail address is about to change"),
              _("Someone (probably you) asked to change the e-mail address of your account at %(site)s to "
                "%(email)s. It changes only when the link we sent to that address is opened.\n\n"
                "If it was not you, choose a new password now; that also stops the change:\n\n%(link)s",
                site=site, email=new, link=external_url("auth.reset_request")))


def _pending_change(token: str) -> tuple[User | None, str | None]:
    """The user and new address a link asks for; flashes why not and returns ``(None, None)``."""
    try:
        data = read_token(CHANGE_ADDRESS, token, CHANGE_MAX_AGE)
    except TokenError as error:
        flash(_("This link has expired. Please ask for the change again.") if error.expired
              else _("This link is not valid."), "error")
        return None, None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    new = data.get("new")
    if (user is None or user.deleted_at is not None or not isinstance(new, str)
            or password_fingerprint(user) != data.get("h") or address_fingerprint(user) != data.get("old")):
        flash(_("This link has been used already or is no longer valid."), "error")
        return None, None
    if find_user(new) is not None:
        flash(_("This address belongs to another account now, so it cannot be yours."), "error")
        return None, None
    return user, new


@bp.route("/email/<token>", methods=["GET", "POST"])
def email_confirm(token: str):
    """The link from the mail: a page with one button, so a mail scanner opening links changes nothing."""
    user, new = _pending_change(token)
    if user is None:
        return redirect(url_for("auth.profile" if current_user.is_authenticated else "auth.login"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("account/email_confirm.html", form=form, email=new)
    this_session_is_theirs = current_user.is_authenticated and current_user.id == user.id
    user.email = new
    user.email_confirmed_at = now()
    user.end_all_sessions()
    db.session.commit()
    if this_session_is_theirs:
        start_session(user)
        flash(_("Your e-mail address is now %(email)s. Every other session of yours has ended.", email=new), "success")
        return redirect(url_for("auth.profile"))
    flash(_("Your e-mail address is now %(email)s. Please log in with it.", email=new), "success")
    return redirect(url_for("auth.login"))


# ---------------------------------------------------------------------------
# Your data: download and deletion
# ---------------------------------------------------------------------------


@bp.get("/data.zip")
@login_required
def data_download():
    """Everything stored about the person, as a ZIP file (JSON and a readable HTML page)."""
    response = make_response(data_archive(current_user._get_current_object()))
    response.headers["Content-Type"] = "application/zip"
    filename = f"mitsprache-data-{now().date().isoformat()}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/delete")
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif last_admin(user):
            form.current_password.errors.append(
                _("You are the only administrator of this site. Make someone else an administrator first."))
        else:
            delete_account(user)
            logout_user()
            flash(_("Your account has been deleted. Thank you for taking part."), "success")
            return redirect(url_for("projects.home"))
    return render_profile(delete_form=form, status=400)
