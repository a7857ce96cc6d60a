"""Responses as two columns of the owners' exports ("Official response", "Responded on").

An owner's exporter rows start with the item id (``ItemType.export_key``); the
columns are computed once per export, in one query, never per row.
"""
from __future__ import annotations

from flask import current_app, has_request_context
from sqlalchemy import select

from core.toolkit import ExportColumn, _, db, plain_text

from .items import answerable
from .models import Response


def columns(export_key: str, project) -> list[ExportColumn]:
    types = [kind.type for kind in answerable().values() if kind.exports_as == export_key]
    if not types:
        return []
    texts, dates = {}, {}
    for item_id, html, created, updated in db.session.execute(
        select(Response.item_id, Response.text_html, Response.created_at, Response.updated_at)
        .where(Response.project_id == project.id, Response.item_type.in_(types))
    ):
        texts[item_id] = plain_text(html)
        dates[item_id] = updated or created
    if has_request_context():
        headers = _("Official response"), _("Responded on")
    else:  # the command line: the deployment's default language
        with current_app.test_request_context("/"):
            headers = _("Official response"), _("Responded on")
    return [ExportColumn(headers[0], texts, default=""), ExportColumn(headers[1], dates, default="")]
