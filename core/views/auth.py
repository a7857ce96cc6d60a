"""Accounts: register (confirmed by a mailed link), log in and out, reset or change the password, profile.

What an attacker could learn or keep is designed out here:

- Whether an address is registered: login checks a password hash even for
  unknown addresses (same time either way), registration answers "we have
  sent you an e-mail" in both cases (the owner of a registered address is told
  by mail instead), and the reset form always gives the same answer.
- A stolen session: logout, a password change and a reset raise the user's
  session version (:meth:`core.models.User.end_all_sessions`), so every copy of
  the old session and "stay logged in" cookie stops working, on every device.
- A forged link: e-mails link to ``base_url`` (:func:`core.security.external_url`),
  never to the host a request claimed.
- A fixed CSRF token: logging in starts a fresh one.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from ..account_tokens import CONFIRM, RESET, TokenError, make_token, password_fingerprint, read_token
from ..clock import now
from ..extensions import csrf, db, limiter
from ..forms import (
    ChangePasswordForm,
    ConfirmForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from ..mail import send_mail
from ..models import User
from ..ratelimits import login_account_key, login_account_limit, login_address_limit, register_limit
from ..redirects import safe_next
from ..security import external_url
from ..services import create_user, find_user, normalise_email

bp = Blueprint("auth", __name__)

RESET_MAX_AGE = 2 * 3600  # seconds a reset link stays valid
CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link stays valid

#: An alias kept for compatibility: plugins written before ``core.toolkit`` existed imported
#: ``_safe_next`` from here. It is the one helper, ``core.toolkit.safe_next``; new code imports that.
_safe_next = safe_next


def _failed(response) -> bool:
    """Only failed attempts count against the per-account login limit."""
    return response.status_code >= 400


def _dummy_hash() -> str:
    """A hash made like real ones, checked for unknown addresses so both take the same time."""
    state = current_app.extensions["mitsprache"]
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    cached = getattr(state, "dummy_password_hash", None)
    if cached is None or not cached.startswith(method.split(":")[0]):
        cached = state.dummy_password_hash = generate_password_hash("not a password", method=method)
    return cached


def start_session(user: User, remember: bool = False) -> None:
    """Log ``user`` in with a fresh CSRF token (a token known before login is worth nothing after)."""
    session.pop("csrf_token", None)
    session.pop("locale", None)
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_address_limit, methods=["POST"])
@limiter.limit(login_account_limit, key_func=login_account_key, methods=["POST"], deduct_when=_failed)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = find_user(form.email.data)
        password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), form.password.data)
        if user and password_ok and user.email_confirmed_at is None:
            _send_confirmation(user, form.next.data)
            flash(_("Please confirm your e-mail address first: we have sent you a new link."), "info")
        elif user and password_ok:
            start_session(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(form.next.data))
        else:
            flash(_("E-mail address or password is wrong."), "error")
    return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
def logout():
    """Log out here and on every other device: copies of the session cookie stop working too."""
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            current_user.end_all_sessions()
            db.session.commit()
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("projects.home"))


def _send_confirmation(user: User, next_path: str | None = None) -> None:
    token = make_token(CONFIRM, {"uid": user.id, "h": password_fingerprint(user), "next": safe_next(next_path, "")})
    link = external_url("auth.confirm", token=token)
    send_mail(
        user.email,
        _("Confirm your e-mail address"),
        _("Welcome to %(site)s! Open this link within three days to confirm your e-mail address "
          "and finish creating your account:\n\n%(link)s\n\n"
          "If you did not register, ignore this message; the account will not be used.",
          site=current_app.config["SITE_NAME"], link=link),
    )


def _tell_owner_of_registered_address(user: User) -> None:
    link = external_url("auth.reset_request")
    send_mail(
        user.email,
        _("You already have an account"),
        _("Someone (probably you) tried to create an account at %(site)s with this e-mail address. "
          "You have an account already: log in, or choose a new password here:\n\n%(link)s\n\n"
          "If it was not you, ignore this message; nothing has changed.",
          site=current_app.config["SITE_NAME"], link=link),
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("projects.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        existing = find_user(email)
        if existing and existing.email_confirmed_at is None:
            # Registered but never confirmed: the newest registration wins, and only its link works
            # (the token carries the password's fingerprint), so nobody can pre-register someone
            # else's address with a password of their own and wait for the owner to confirm it.
            existing.set_password(form.password.data)
            existing.display_name = form.display_name.data.strip()
            db.session.commit()
            _send_confirmation(existing, request.args.get("next"))
        elif existing:
            generate_password_hash(form.password.data, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
            _tell_owner_of_registered_address(existing)
        else:
            user = create_user(email, form.password.data, form.display_name.data.strip(), confirmed=False)
            user.locale = session.get("locale")
            db.session.commit()
            _send_confirmation(user, request.args.get("next"))
        # The same page either way: whether an address is registered is told only to its owner.
        return redirect(url_for("auth.registered", email=email))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.get("/register/sent")
def registered():
    return render_template("auth/registered.html", email=request.args.get("email", "")[:254])


@bp.get("/register/confirm/<token>")
def confirm(token: str):
    try:
        data = read_token(CONFIRM, token, CONFIRM_MAX_AGE)
    except TokenError as error:
        flash(_("This link has expired. Log in to get a new one.") if error.expired
              else _("This link is not valid."), "error")
        return redirect(url_for("auth.login"))
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or (user.email_confirmed_at is None and password_fingerprint(user) != data.get("h")):
        flash(_("This link is not valid."), "error")
        return redirect(url_for("auth.login"))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
        db.session.commit()
        start_session(user)
        flash(_("Your e-mail address is confirmed and your account is ready. Welcome!"), "success")
    else:
        flash(_("Your e-mail address is confirmed already. Please log in."), "info")
        return redirect(url_for("auth.login"))
    return redirect(safe_next(data.get("next")))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user:
            token = make_token(RESET, {"uid": user.id, "h": password_fingerprint(user)})
            send_mail(
                user.email,
                _("Reset your password"),
                _("Open this link within two hours to choose a new password:\n\n%(link)s\n\n"
                  "If you did not ask for this, ignore this message.",
                  link=external_url("auth.reset_password", token=token)),
            )
        # Same answer whether or not the address is registered: no account probing.
        flash(_("If the address is registered, we have sent a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        data = read_token(RESET, token, RESET_MAX_AGE)
    except TokenError as error:
        flash(_("This link has expired. Please ask for a new one.") if error.expired
              else _("This link is not valid. Please ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if not user or password_fingerprint(user) != data.get("h"):
        flash(_("This link has been used already. Please ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.end_all_sessions()
        # Following the mailed link proves the address too.
        user.email_confirmed_at = user.email_confirmed_at or now()
        db.session.commit()
        start_session(user)
        flash(_("Your password has been changed. Every other session of yours has ended."), "success")
        return redirect(url_for("projects.home"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    """The profile (display name, language) and, as a second form on the page, the password change."""
    changing_password = "change_password" in request.form
    form = ProfileForm(obj=current_user, formdata=None if changing_password else request.form or None)
    password_form = ChangePasswordForm(formdata=request.form if changing_password else None)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if not changing_password and form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.locale = form.locale.data or None
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    if changing_password and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current_password.data):
            password_form.current_password.errors.append(_("This is not your current password."))
        else:
            user = current_user._get_current_object()
            user.set_password(password_form.password.data)
            user.end_all_sessions()
            db.session.commit()
            start_session(user)  # this session goes on, with the new version
            flash(_("Your password has been changed. Every other session of yours has ended."), "success")
            return redirect(url_for("auth.profile"))
    status = 400 if form.errors or password_form.errors else 200
    return render_profile(form=form, password_form=password_form, status=status)


def render_profile(*, form=None, password_form=None, email_form=None, delete_form=None, status: int = 200):
    """The profile page with its four forms; the one just sent, with its errors, replaces its empty twin.

    The e-mail change and the account deletion (:mod:`core.views.account`) post to
    their own URLs and show this page again when their form has errors.
    """
    from ..forms import ChangeEmailForm, DeleteAccountForm

    if form is None:
        form = ProfileForm(obj=current_user, formdata=None)
        form.locale.data = current_user.locale or ""
    return render_template(
        "auth/profile.html",
        form=form,
        password_form=password_form or ChangePasswordForm(formdata=None),
        email_form=email_form or ChangeEmailForm(formdata=None),
        delete_form=delete_form or DeleteAccountForm(formdata=None),
        deletion_mode=current_app.config["DELETED_CONTRIBUTIONS"],
    ), status


@bp.post("/language")
@csrf.exempt
def set_language():
    """The language switcher: remembered in the session, and on the profile when logged in.

    Anonymous visitors switch without a CSRF token (a forged switch only changes
    the language of the forger's target's next page), so anonymous pages need no
    token and can be cached whole. Changing a logged-in user's profile is protected.
    """
    if current_user.is_authenticated:
        csrf.protect()
    form = LanguageForm(meta={"csrf": False})
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path))
