"""Forms for initiators: documents, chapters, paragraphs (written in Markdown) and imports."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

MARKDOWN_HELP = _l("Markdown: *italic*, **bold**, [link text](https://…), lines starting with “- ” make a list.")


class DocumentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    preamble = TextAreaField(
        _l("Introduction (optional)"), validators=[Optional(), Length(max=20000)],
        description=_l("Shown above the table of contents; it cannot be commented on.") + " " + MARKDOWN_HELP,
    )


class ChapterForm(FlaskForm):
    title = StringField(_l("Chapter title"), validators=[DataRequired(), Length(max=200)])
    part = StringField(
        _l("Part heading (optional)"), validators=[Optional(), Length(max=200)],
        description=_l("Shown above this chapter in the contents, for a group of chapters such as “Measures”. "
                       "The part runs until the next chapter with a part heading."),
    )


class ParagraphForm(FlaskForm):
    text = TextAreaField(
        _l("Paragraph text"), validators=[DataRequired(), Length(max=20000)], description=MARKDOWN_HELP
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Markdown file"), validators=[FileRequired(_l("Please choose a file."))],
        description=_l("A .md or .txt file in UTF-8: “# Title”, “## Chapter”, then paragraphs and lists. At most 1 MB."),
    )


class DeleteForm(FlaskForm):
    #: The number of comments the person was warned about; if it grew meanwhile, ask again.
    expected = HiddenField(default="0")
