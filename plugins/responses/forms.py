"""The response form: text (basic HTML, sanitized when stored) and, where the item type keeps one, its status."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from core.toolkit import safe_next

from .models import TEXT_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ResponseForm(FlaskForm):
    text = TextAreaField(
        _l("Official response"), validators=[DataRequired(), Length(max=TEXT_MAX)], filters=[_strip],
        description=_l("Published under the organisation's name. Basic HTML is allowed: paragraphs, emphasis, "
                       "links and lists (at most %(n)d characters).", n=TEXT_MAX),
    )
    status = SelectField(_l("Status"), choices=[], default="", validate_choice=True)
    next = HiddenField(filters=[lambda value: safe_next(value, "")])

    def setup(self, kind) -> "ResponseForm":
        """Offer the item type's statuses (the response text is the reason), or no status field at all."""
        if kind.has_statuses:
            self.status.choices = [("", _l("No status"))] + [(value, label) for value, label in kind.statuses]
            self.status.description = _l("The response text explains the status.")
        else:
            del self.status
        return self
