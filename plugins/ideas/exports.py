"""The ``ideas`` export: one row per idea; other plugins append columns via ``export_columns``."""
from __future__ import annotations

from typing import Any, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.toolkit import db, Exporter

from plugins.comments import api as comments
from .models import Idea

HEADERS = ["id", "title", "description", "category", "location", "author", "created", "status", "comments", "decision"]
BATCH = 500


def headers(project) -> list[str]:
    return list(HEADERS)


def rows(project) -> Iterator[list[Any]]:
    """Ideas in id order, fetched in batches by key so memory stays flat; comment counts per batch."""
    last_id = 0
    while True:
        batch = list(
            db.session.scalars(
                select(Idea)
                .options(joinedload(Idea.author), joinedload(Idea.category))
                .where(Idea.project_id == project.id, Idea.id > last_id)
                .order_by(Idea.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return
        counts = comments.comment_counts("idea", [i.id for i in batch])
        for idea in batch:
            yield [
                idea.id,
                idea.title,
                idea.description_text,
                idea.category.name if idea.category else "",
                idea.location or "",
                idea.author.display_name,
                idea.created_at,
                idea.status,
                counts.get(idea.id, 0),
                idea.review_status_label,  # what the organisation decided (official responses)
            ]
        last_id = batch[-1].id


EXPORTER = Exporter("ideas", _l("Ideas"), headers=headers, rows=rows)
