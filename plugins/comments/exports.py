"""The "comments" export (CSV/XLSX through the core): every comment of a project, streamed.

Rows name what a comment is about the way readers see it ("Idea" – "More
trees by the school"), never by table name and database id; the comment's
own number stays, because replies refer to it and the site shows it in links.
Titles are loaded per batch of comments, one query per batch and item type.
"""
from __future__ import annotations

from typing import Any, Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.toolkit import Exporter, time_header

from .api import iter_comments_with_subjects, status_labels


def headers(project) -> list[Any]:
    return [
        _("Comment no."), _("Reply to comment no."), _("About"), _("Title"), _("Author"), _("Text"),
        time_header(_("Created")), time_header(_("Last edited")), _("Agreements"), _("Disagreements"),
        _("Moderation status"), _("Moderation reason"), _("Moderator remark"),
    ]


def rows(project) -> Iterator[list[Any]]:
    labels = status_labels()
    for row, about, title in iter_comments_with_subjects(project.id):
        yield [
            row.id, row.parent_id, about, title, row.author_name, row.text, row.created_at, row.edited_at,
            row.agree, row.disagree, labels.get(row.status, row.status), row.moderation_reason or "",
            row.moderator_remark or "",
        ]


exporter = Exporter("comments", _l("Comments"), headers=headers, rows=rows)
