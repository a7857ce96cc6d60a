"""Forms of the matchmaking plugin (Flask-WTF: CSRF, validation, localized errors)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DecimalField, EmailField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.toolkit import _l

from . import facets, regions
from .models import MESSAGE_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, TITLE_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a set of keys (rendered as a fieldset by ``matchmaking/_macros.html``)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _region(form, field):
    if regions.normalise(field.data) is None:
        raise ValidationError(_l("Enter a municipal key (AGS, 2 to 8 digits), a Land's name, or leave it empty for nationwide."))


def _regions(form, field):
    for part in (field.data or "").split(";"):
        if part.strip() and regions.normalise(part) is None:
            raise ValidationError(_l("\"%(part)s\" is not a municipal key (AGS) or a Land.", part=part.strip()))


def _choices(vocabulary):
    return [(str(key), label) for key, label in vocabulary]


class OrganisationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[], validate_choice=True)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=NAME_MAX)], filters=[_strip])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[_strip],
                                description=_l("Who you are and what you do, for everyone to read."))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)], filters=[_strip])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=40), _region], filters=[_strip],
                         description=_l("Municipal key (AGS) or a Land, e.g. 03 or Niedersachsen; empty: nationwide."))
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=120)], filters=[_strip])
    contact_email = EmailField(_l("Functional mailbox"), validators=[Optional(), Email(), Length(max=254)],
                               filters=[_strip])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=60)], filters=[_strip])

    def validate_website(self, field):
        if field.data and not field.data.startswith(("http://", "https://")):
            raise ValidationError(_l("Enter an address that starts with https://"))


class ChallengeForm(FlaskForm):
    organisation = SelectField(_l("Public body"), choices=[], validate_choice=True)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=TITLE_MAX)], filters=[_strip],
                        description=_l("A question: \"Wie können wir …?\" (How might we …?)"))
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=TEXT_MAX)], filters=[_strip])
    tried = TextAreaField(_l("What has been tried already"), validators=[Optional(), Length(max=TEXT_MAX)],
                          filters=[_strip])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=40), _region], filters=[_strip],
                         description=_l("Municipal key (AGS) or a Land, e.g. 03 or Niedersachsen; empty: nationwide."))
    status = SelectField(_l("Status"), choices=_choices(facets.CHALLENGE_STATUS), default="open")
    fields = MultiCheckboxField(_l("Fields of action"), choices=[], coerce=str)
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals"), choices=_choices(facets.SDGS), coerce=str)
    target_groups = MultiCheckboxField(_l("Target groups"), choices=_choices(facets.TARGET_GROUPS), coerce=str)
    offers = MultiCheckboxField(_l("What you offer a partner"), choices=_choices(facets.RESOURCES), coerce=str)


class InitiativeForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), choices=[], validate_choice=True)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=TITLE_MAX)], filters=[_strip])
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=SHORT_MAX)], filters=[_strip],
                          description=_l("One or two sentences."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[_strip])
    maturity = SelectField(_l("Maturity"), choices=_choices(facets.MATURITY), default="idea")
    regions = StringField(_l("Regions active in"), validators=[Optional(), Length(max=400), _regions],
                          filters=[_strip], description=_l("Municipal keys or Länder separated by \";\"; empty: nationwide."))
    fields = MultiCheckboxField(_l("Fields of action"), choices=[], coerce=str)
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals"), choices=_choices(facets.SDGS), coerce=str)
    target_groups = MultiCheckboxField(_l("Target groups"), choices=_choices(facets.TARGET_GROUPS), coerce=str)
    offers = MultiCheckboxField(_l("What you provide"), choices=_choices(facets.SOLUTIONS), coerce=str)
    needs = MultiCheckboxField(_l("What you need"), choices=_choices(facets.RESOURCES), coerce=str)
    references = TextAreaField(_l("References"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[_strip],
                               description=_l("Where it already works, with links."))
    licence = StringField(_l("Licence and cost model"), validators=[Optional(), Length(max=SHORT_MAX)], filters=[_strip])


class InterestForm(FlaskForm):
    sender = SelectField(_l("As"), choices=[], validate_choice=True)
    # Checked in the view: the challenge must be the sender's own.
    challenge = SelectField(_l("For your challenge (optional)"), choices=[], validate_choice=False)
    message = TextAreaField(_l("A short message (optional)"), validators=[Optional(), Length(max=SHORT_MAX)],
                            filters=[_strip], description=_l("Why you are interested, at most 500 characters."))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MESSAGE_MAX)], filters=[_strip])


class ActingForm(FlaskForm):
    """Block, report: which of my organisations does it."""

    acting = SelectField(_l("As"), choices=[], validate_choice=True)
    reason = TextAreaField(_l("What happened?"), validators=[Optional(), Length(max=SHORT_MAX)], filters=[_strip])


class IntroductionForm(FlaskForm):
    body = SelectField(_l("Public body"), choices=[], validate_choice=True)
    partner = SelectField(_l("Initiative"), choices=[], validate_choice=True)
    note = StringField(_l("Note to both (optional)"), validators=[Optional(), Length(max=SHORT_MAX)], filters=[_strip])


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Connected")), ("pilot_agreed", _l("Pilot agreed")),
                                                   ("adopted", _l("Adopted")), ("ended", _l("Ended"))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=SHORT_MAX)], filters=[_strip])


class FieldForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)], filters=[_strip])


class ImportForm(FlaskForm):
    kind = SelectField(_l("Catalogue"), choices=[("challenges", _l("Challenges")), ("initiatives", _l("Initiatives"))])
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose a CSV or XLSX file."))])


class WishForm(FlaskForm):
    acting = SelectField(_l("Public body"), choices=[], validate_choice=True)
    initiative = SelectField(_l("Initiative"), choices=[], validate_choice=True)


class PreferenceForm(FlaskForm):
    recommendations = BooleanField(_l("Show me suggestions (\"Suggested for you\")"))


def weights_form(names_and_defaults: list[tuple[str, float]]):
    """A form with one number per recommendation weight (the names come from the recommendation engine)."""

    class WeightsForm(FlaskForm):
        extra_kinds = StringField(_l("Further organisation kinds"), validators=[Optional(), Length(max=300)],
                                  filters=[_strip],
                                  description=_l("Separated by \";\", e.g. Stiftung; Unternehmen. They act on the "
                                                 "initiatives' side."))

    for name, default in names_and_defaults:
        setattr(WeightsForm, f"w_{name}", DecimalField(name, default=default, places=None,
                                                        validators=[Optional(), NumberRange(min=0, max=100)]))
    return WeightsForm


__all__ = ["OrganisationForm", "ChallengeForm", "InitiativeForm", "InterestForm", "MessageForm", "ActingForm",
           "IntroductionForm", "OutcomeForm", "FieldForm", "ImportForm", "WishForm", "PreferenceForm", "weights_form",
           "MESSAGE_MAX"]
