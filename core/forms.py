"""Core forms (Flask-WTF): CSRF, validation and localized error messages in one place."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional, Regexp, ValidationError

from .timefmt import LocalTimeError, local_moment

PASSWORD_MIN = 10
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Stay logged in"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(min=2, max=80)],
        description=_l("Shown next to your contributions. You do not have to use your real name."),
    )
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
    )
    password_again = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )
    accept_terms = BooleanField(
        _l("I agree that my display name and contributions are shown publicly."),
        validators=[DataRequired(message=_l("Please agree to take part."))],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)])
    password_again = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(min=2, max=80)])
    locale = SelectField(_l("Language"), choices=[("", _l("As my browser says")), ("de", "Deutsch"), ("en", "English")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
    )
    password_again = PasswordField(
        _l("Repeat new password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )


# The profile page shows three forms with a current password: each field has an id of its own.
class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"), validators=[DataRequired(), Email(), Length(max=254)], id="new_email",
        description=_l("We send a link to the new address; the address changes when you open it."),
    )
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     id="email_current_password")


class DeleteAccountForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     id="delete_current_password")


class FollowForm(FlaskForm):
    """The "Follow"/"Unfollow" button of a project: ``following`` is what the person wants ("1" or "0")."""

    following = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("de", "Deutsch"), ("en", "English")])
    next = HiddenField()


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name in the address"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(SLUG_RE, message=_l("Use lower-case letters, digits and hyphens only.")),
        ],
    )
    description = TextAreaField(
        _l("Description"), description=_l("Basic HTML is allowed: paragraphs, emphasis, links and lists.")
    )
    organisation = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=200)],
        description=_l("Named under official responses, e.g. “City of Musterstadt, Planning Office”. "
                       "Empty: the site's name."),
    )
    is_public = BooleanField(_l("Public (anyone can read; otherwise invited members only)"), default=True)


class PhaseForm(FlaskForm):
    kind = SelectField(_l("Kind of participation"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"))
    start = DateTimeLocalField(_l("Start"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    end = DateTimeLocalField(_l("End"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])

    def validate_start(self, field):
        self._check_local(field)

    def validate_end(self, field):
        self._check_local(field)
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start."))

    def _check_local(self, field):
        if field.data is None:
            return
        try:
            self.aware(field.data)
        except LocalTimeError as exc:
            if exc.kind == "missing":
                raise ValidationError(_l("This time does not exist on that day: the clocks skip an hour. "
                                         "Please choose another time."))
            raise ValidationError(_l("This time happens twice on that day: the clocks go back an hour. "
                                     "Please choose another time."))

    def aware(self, value: datetime) -> datetime:
        """A datetime typed into the form is in the deployment's time zone (never silently shifted)."""
        return local_moment(value, ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail address of a registered user"), validators=[DataRequired(), Email()])
    role = SelectField(
        _l("Role"),
        choices=[("moderator", _l("Moderator")), ("editor", _l("Editor (official responses)")),
                 ("initiator", _l("Initiator")), ("member", _l("Member"))],
    )

    def role_label(self, role: str) -> str:
        """The localized name of a stored role, for lists of the project's team."""
        return str(dict(self.role.choices).get(role, role))


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected button (delete, reorder, log out)."""


def setting_field(spec):
    """A WTForms field for a :class:`core.registry.PhaseSetting`."""
    if spec.type == "bool":
        return BooleanField(spec.label, default=bool(spec.default), description=spec.help)
    if spec.type == "choice":
        return SelectField(spec.label, choices=list(spec.choices), default=spec.default, description=spec.help)
    return IntegerField(
        spec.label,
        default=spec.default,
        validators=[Optional(), NumberRange(min=spec.min if spec.min is not None else 0)],
        description=spec.help,
    )


def valid_slug(value: str) -> bool:
    return bool(re.match(SLUG_RE, value))
