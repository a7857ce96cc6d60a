"""Forms of the ideas plugin (Flask-WTF: CSRF, validation, localized errors)."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import CATEGORY_MAX, DESCRIPTION_MAX, LOCATION_MAX, REASON_MAX, TITLE_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IdeaForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(min=3, max=TITLE_MAX)], filters=[_strip],
        description=_l("A short name for your idea (at most %(n)d characters).", n=TITLE_MAX),
    )
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(), Length(max=DESCRIPTION_MAX)], filters=[_strip],
        description=_l("What should happen, and why? Leave a blank line between paragraphs (at most %(n)d characters).",
                       n=DESCRIPTION_MAX),
    )
    category = SelectField(_l("Category"), choices=[], validate_choice=True)
    location = StringField(
        _l("Place (optional)"), validators=[Optional(), Length(max=LOCATION_MAX)], filters=[_strip],
        description=_l("A street, square or area, if your idea concerns a particular place."),
    )
    # One-time token: a second submission of the same form (double click) is recognised.
    token = HiddenField(validators=[Optional(), Length(max=64)])

    def setup(self, categories, *, new: bool) -> "IdeaForm":
        """Offer the project's categories (required if there are any); drop the field if there are none."""
        if categories:
            self.category.choices = [("", _l("Choose a category"))] + [(str(c.id), c.name) for c in categories]
            self.category.validators = [DataRequired(message=_l("Please choose a category."))]
            self.category.flags.required = True
        else:
            del self.category
        if new and not self.token.data:
            self.token.data = secrets.token_urlsafe(18)
        return self


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)], filters=[_strip],
        description=_l("Shown in place of the idea, e.g. \"Contains personal data\"."),
    )


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=CATEGORY_MAX)], filters=[_strip])


class CategoryDeleteForm(FlaskForm):
    move_to = SelectField(_l("Move its ideas to"), choices=[], validate_choice=False)
