"""The "All comments" export: every comment of a project with where it was written.

Rows are generated from the comments plugin's streamed ``iter_comments``, so an
export of 100,000 comments never holds them all in memory. Only the project's
paragraph places (document, chapter, number, excerpt) are loaded up front.
"""
from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.toolkit import Exporter, time_header

from plugins.comments import api as comments

from . import services
from .items import CHAPTER, PARAGRAPH

KEY = "document-comments"


def _locale_context():
    """Translations need a request (the core picks the language from it); the command line has none,
    so it gets a blank one: the deployment's default language."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def headers(project) -> list:
    with _locale_context():
        return _headers()


def _headers() -> list:
    # By the core's convention the first column is the exported item's id: here the comment's number.
    return [
        _("Comment no."), _("Document"), _("Chapter"), _("Paragraph"), _("Paragraph excerpt"),
        _("Reply to comment no."), _("Author"), _("Text"), time_header(_("Created")), time_header(_("Last edited")),
        _("Agreements"), _("Disagreements"), _("Moderation status"), _("Moderation reason"), _("Moderator remark"),
    ]


def rows(project):
    paragraph_places, chapter_places = services.places(project)
    with _locale_context():
        labels = comments.status_labels()
        whole_chapter = _("(the chapter as a whole)")
        removed = _("(deleted from the document)")
    for row, about, title in comments.iter_comments_with_subjects(project.id):
        if row.target_type == PARAGRAPH:
            place = paragraph_places.get(row.target_id)
            excerpt = place.excerpt if place else removed
        elif row.target_type == CHAPTER:
            place = chapter_places.get(row.target_id)
            excerpt = whole_chapter if place else removed
        else:
            # Comments on other plugins' items (ideas …): keep them, so this export replaces the plain one.
            place, excerpt = None, f"{about}: {title}" if title else about
        yield [
            row.id,
            place.document if place else "",
            place.chapter if place else "",
            place.number if place else "",
            excerpt,
            row.parent_id,
            row.author_name,
            row.text,
            row.created_at,
            row.edited_at,
            row.agree,
            row.disagree,
            labels.get(row.status, row.status),
            row.moderation_reason or "",
            row.moderator_remark or "",
        ]


EXPORTER = Exporter(KEY, _l("All comments on the documents, with chapter and paragraph"), headers=headers, rows=rows)
