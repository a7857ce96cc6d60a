"""The "comments" export (CSV/XLSX through the core): every comment of a project, streamed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.toolkit import Exporter

from .api import iter_comments
from .targets import target_type as get_commentable

HEADERS = [
    "id", "parent_id", "target_type", "target_id", "author", "text", "created_at", "edited_at",
    "agree", "disagree", "status", "moderation_reason", "moderator_remark",
]


def rows(project):
    for row in iter_comments(project.id):
        if get_commentable(row.target_type) is None:
            continue
        yield [
            row.id, row.parent_id, row.target_type, row.target_id, row.author_name, row.text, row.created_at,
            row.edited_at, row.agree, row.disagree, row.status, row.moderation_reason or "",
            row.moderator_remark or "",
        ]


exporter = Exporter("comments", _l("Comments"), headers=lambda project: list(HEADERS), rows=rows)
