"""Accounts: register, log in and out, reset a forgotten password, edit the profile."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import csrf, db, limiter
from ..forms import ConfirmForm, LanguageForm, LoginForm, ProfileForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from ..mail import send_mail
from ..models import User
from ..services import create_user, find_user

bp = Blueprint("auth", __name__)

RESET_MAX_AGE = 2 * 3600  # seconds a reset link stays valid


def _safe_next(target: str | None) -> str:
    """Only redirect to paths on this site (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("projects.home")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit():
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            session.pop("locale", None)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(form.next.data))
        flash(_("E-mail address or password is wrong."), "error")
    return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("projects.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("projects.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        if find_user(form.email.data):
            form.email.errors.append(_("This e-mail address is registered already. Log in or reset your password."))
        else:
            user = create_user(form.email.data, form.password.data, form.display_name.data.strip())
            user.locale = session.get("locale")
            db.session.commit()
            login_user(user)
            flash(_("Your account is ready. Welcome!"), "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form), status


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User) -> str:
    # The hash's tail makes a token single-use: once the password changes, it no longer matches.
    return _serializer().dumps({"uid": user.id, "h": user.password_hash[-16:]})


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user:
            link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
            send_mail(
                user.email,
                _("Reset your password"),
                _("Open this link within two hours to choose a new password:\n\n%(link)s\n\n"
                  "If you did not ask for this, ignore this message.", link=link),
            )
        # Same answer whether or not the address is registered: no account probing.
        flash(_("If the address is registered, we have sent a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except SignatureExpired:
        flash(_("This link has expired. Please ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    except BadSignature:
        flash(_("This link is not valid. Please ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    user = db.session.get(User, data.get("uid"))
    if not user or user.password_hash[-16:] != data.get("h"):
        flash(_("This link has been used already. Please ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        db.session.commit()
        login_user(user)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("projects.home"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.locale = form.locale.data or None
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


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
    return redirect(_safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path))
