"""Forms of the poll builder, and validation of submitted poll answers."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .models import Poll, Question

MAX_OPTIONS = 30
MAX_OPTION_LENGTH = 200
MAX_TEXT_LENGTH = 10000


class PollForm(FlaskForm):
    title = StringField(_l("Title of the poll"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(
        _l("Introduction"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Shown above the questions. Plain text; blank lines start new paragraphs."),
    )


class QuestionForm(FlaskForm):
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    help = StringField(_l("Hint (optional)"), validators=[Optional(), Length(max=500)])
    kind = SelectField(
        _l("Type of answer"),
        choices=[
            (Question.SINGLE, _l("Single choice (one answer)")),
            (Question.MULTIPLE, _l("Multiple choice (several answers)")),
            (Question.TEXT, _l("Free text")),
        ],
        default=Question.SINGLE,
    )
    required = BooleanField(_l("An answer is required"), default=True)
    options = TextAreaField(
        _l("Options"),
        description=_l("For choice questions: one option per line, in the order shown. At least two."),
    )
    min_choices = IntegerField(
        _l("Multiple choice: at least this many answers"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=MAX_OPTIONS)],
        description=_l("0: no minimum."),
    )
    max_choices = IntegerField(
        _l("Multiple choice: at most this many answers"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=MAX_OPTIONS)],
        description=_l("0: no maximum."),
    )
    max_length = IntegerField(
        _l("Free text: maximum length in characters"),
        default=2000,
        validators=[Optional(), NumberRange(min=1, max=MAX_TEXT_LENGTH)],
    )

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field):
        if self.kind.data == Question.TEXT:
            return
        lines = self.option_lines()
        if len(lines) < 2:
            raise ValidationError(_l("Please enter at least two options, one per line."))
        if len(lines) > MAX_OPTIONS:
            raise ValidationError(_l("Please enter at most %(n)d options.", n=MAX_OPTIONS))
        if any(len(line) > MAX_OPTION_LENGTH for line in lines):
            raise ValidationError(_l("Each option may have at most %(n)d characters.", n=MAX_OPTION_LENGTH))
        if len({line.casefold() for line in lines}) != len(lines):
            raise ValidationError(_l("Two options have the same text."))

    def validate_max_choices(self, field):
        if self.kind.data != Question.MULTIPLE:
            return
        low, high = self.min_choices.data or 0, field.data or 0
        if high and low > high:
            raise ValidationError(_l("The maximum must not be smaller than the minimum."))
        count = len(self.option_lines())
        if high > count or low > count:
            raise ValidationError(_l("There are only %(n)d options.", n=count))


def parse_answers(poll: Poll, form: Any) -> tuple[dict[int, Any], dict[int, str], dict[int, Any]]:
    """Validate a submitted answer form.

    Returns ``(answers, errors, entered)``: the clean answers to store (only when
    ``errors`` is empty), a localized message per question, and what the person
    entered (to show the form again exactly as they left it).
    """
    answers: dict[int, Any] = {}
    errors: dict[int, str] = {}
    entered: dict[int, Any] = {}
    for question in poll.questions:
        name = f"q{question.id}"
        valid_ids = {o.id for o in question.options}
        if question.kind == Question.TEXT:
            text = (form.get(name) or "").replace("\r\n", "\n").strip()
            entered[question.id] = text
            if not text:
                if question.required:
                    errors[question.id] = _("Please answer this question.")
                continue
            if len(text) > question.max_length:
                errors[question.id] = _(
                    "Please shorten your answer to at most %(max)d characters (it has %(n)d).",
                    max=question.max_length, n=len(text),
                )
                continue
            answers[question.id] = text
            continue
        raw = form.getlist(name) if question.kind == Question.MULTIPLE else [form.get(name)] if form.get(name) else []
        chosen: list[int] = []
        for value in raw:
            try:
                option_id = int(value)
            except (TypeError, ValueError):
                option_id = None
            if option_id not in valid_ids:
                errors[question.id] = _("Please choose from the options shown.")
                break
            if option_id not in chosen:
                chosen.append(option_id)
        entered[question.id] = chosen
        if question.id in errors:
            continue
        if not chosen:
            if question.required:
                errors[question.id] = _("Please choose an answer.")
            continue
        if question.kind == Question.SINGLE and len(chosen) > 1:
            errors[question.id] = _("Please choose only one answer.")
            continue
        if question.kind == Question.MULTIPLE:
            if question.min_choices and len(chosen) < question.min_choices:
                errors[question.id] = ngettext(
                    "Please choose at least %(num)d answer.", "Please choose at least %(num)d answers.",
                    question.min_choices,
                )
                continue
            if question.max_choices and len(chosen) > question.max_choices:
                errors[question.id] = ngettext(
                    "Please choose at most %(num)d answer (you chose %(chosen)d).",
                    "Please choose at most %(num)d answers (you chose %(chosen)d).",
                    question.max_choices, chosen=len(chosen),
                )
                continue
        answers[question.id] = chosen
    return answers, errors, entered
