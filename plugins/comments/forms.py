"""Forms of the comments plugin; all carry a CSRF token (Flask-WTF)."""
from __future__ import annotations

import uuid

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.toolkit import safe_next

from .services import MAX_LENGTH

REPORT_REASONS = (
    ("spam", _l("Spam or advertising")),
    ("insult", _l("Insult, harassment or hate")),
    ("personal_data", _l("Personal data of others")),
    ("illegal", _l("Illegal content")),
    ("off_topic", _l("Off topic")),
    ("other", _l("Something else")),
)


def next_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else "": the core's ``safe_next`` with an empty default.

    ``next`` comes from the query string or a posted form and ends up in links and
    redirects; ``next=javascript:…`` was printed into the "Back" link of a form page.
    """
    return safe_next(target, "")


class NextField(HiddenField):
    """Where to return after the form: only ever a path on this site (see :func:`next_path`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, filters=[next_path], **kwargs)


def _length_limit(form, field):
    text = (field.data or "").strip()
    if len(text) > MAX_LENGTH:
        over = len(text) - MAX_LENGTH
        raise ValidationError(
            _("Your comment is too long: %(used)s characters, at most %(max)s are possible.",
              used=format_decimal(len(text)), max=format_decimal(MAX_LENGTH))
            + " "
            + ngettext("Please shorten it by %(count)s character.", "Please shorten it by %(count)s characters.",
                       over, count=format_decimal(over))
        )


def _length_help() -> str:
    return _("At most %(max)s characters. Links are allowed; formatting is not.", max=format_decimal(MAX_LENGTH))


class CommentForm(FlaskForm):
    text = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Please write your comment first.")), _length_limit],
    )
    #: One-time token: a form sent twice (double click, reload) stores one comment.
    token = HiddenField()
    parent_id = HiddenField()
    next = NextField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.description = _length_help()
        if not self.token.data:
            self.token.data = str(uuid.uuid4())


class EditForm(FlaskForm):
    text = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Please write your comment first.")), _length_limit],
    )
    next = NextField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.description = _length_help()


class ReportForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=REPORT_REASONS, validators=[DataRequired()])
    text = TextAreaField(
        _l("Details (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("Please use at most %(max)d characters.", max=1000))],
        description=_l("Only the moderators see your report."),
    )
    next = NextField()


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason for hiding"),
        validators=[DataRequired(message=_l("Please give a reason.")),
                    Length(max=300, message=_l("Please use at most %(max)d characters.", max=300))],
        description=_l("Shown publicly instead of the comment, e.g. \"Insult\" or \"Personal data\"."),
    )
    next = NextField()


class RemarkForm(FlaskForm):
    remark = TextAreaField(
        _l("Moderator remark"),
        validators=[Optional(), Length(max=2000, message=_l("Please use at most %(max)d characters.", max=2000))],
        description=_l("Shown publicly under the comment. Leave empty to remove the remark."),
    )
    next = NextField()


class BulkForm(FlaskForm):
    action = SelectField(
        _l("Action"),
        choices=(("hide", _l("Hide")), ("dismiss", _l("Dismiss reports")), ("restore", _l("Restore"))),
    )
    reason = StringField(
        _l("Reason for hiding"),
        validators=[Optional(), Length(max=300, message=_l("Please use at most %(max)d characters.", max=300))],
        description=_l("Needed for hiding; shown publicly instead of the comments."),
    )
