"""The initiator's form for a phase's results: what came out, what happens next, and a link."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from .models import LINK_MAX

TEXT_MAX = 50_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host: the only links a results page offers (no javascript:, no data:)."""
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[" and other broken addresses
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not any(
        character.isspace() for character in value)


class ResultsForm(FlaskForm):
    text = TextAreaField(
        _l("Results"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[_strip],
        description=_l("What came out of this phase. Basic HTML is allowed: paragraphs, emphasis, links and lists."))
    next_steps = TextAreaField(
        _l("Next steps"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[_strip],
        description=_l("What happens with the contributions now, and when."))
    link_url = StringField(
        _l("Link to the revised document"), validators=[Optional(), Length(max=LINK_MAX)], filters=[_strip],
        description=_l("Optional: an address starting with https:// or http://"))
    link_label = StringField(
        _l("Name of the link"), validators=[Optional(), Length(max=200)], filters=[_strip],
        description=_l("Optional, e.g. “Revised draft (PDF)”."))

    def validate_link_url(self, field):
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Enter a complete web address that starts with https:// or http://."))
