"""The ``ideas`` export: one row per idea; other plugins append columns via ``export_columns``."""
from __future__ import annotations

from typing import Any, Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.toolkit import db, Exporter, time_header

from plugins.comments import api as comments
from .models import Idea

BATCH = 500


def headers(project) -> list[Any]:
    """In the reader's language; the idea's number comes first (the site shows it in each idea's address)."""
    return [
        _("Idea no."), _("Title"), _("Description"), _("Category"), _("Location"), _("Author"),
        time_header(_("Created")), _("Status"), _("Comments"), _("Decision"),
    ]


def status_labels() -> dict[str, str]:
    return {"published": _("published"), "hidden": _("hidden by moderators")}


def rows(project) -> Iterator[list[Any]]:
    """Ideas in id order, fetched in batches by key so memory stays flat; comment counts per batch."""
    labels = status_labels()
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
                labels.get(idea.status, idea.status),
                counts.get(idea.id, 0),
                idea.review_status_label,  # what the organisation decided (official responses)
            ]
        last_id = batch[-1].id


EXPORTER = Exporter("ideas", _l("Ideas"), headers=headers, rows=rows)
