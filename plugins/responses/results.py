"""The official responses on a phase's public results page and in a printed draft.

A phase's responses are those to items of the plugin that offers the phase's
kind (an ideas phase: the ideas; a commenting phase: the paragraphs). Which
phase a single comment belongs to is its owner's knowledge, so comments' responses
appear under their comment and in exports, not here.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select

from core.toolkit import ResultSection, _, db, render_template

from .items import answerable
from .models import Response
from .services import responses_for


def phase_sections(project, phase) -> list[ResultSection]:
    kind = current_app.extensions["mitsprache"].registry.phase_kinds.get(phase.kind)
    types = {name: item for name, item in answerable().items() if kind is not None and item.plugin == kind.plugin}
    if not types:
        return []
    rows = list(db.session.scalars(
        select(Response).where(Response.project_id == project.id, Response.item_type.in_(list(types)))
        .order_by(Response.item_type, Response.item_id)))
    if not rows:
        return []
    entries = []
    for name, item_type in types.items():
        mine = [row for row in rows if row.item_type == name]
        items = item_type.load([row.item_id for row in mine]) if mine else {}
        for row in mine:
            item = items.get(row.item_id)
            if item is None or (item_type.visible is not None and not item_type.visible(item)):
                continue
            entries.append({"kind": item_type, "item": item, "response": row,
                            "status": item_type.status_label(item_type.status_of(item))})
    if not entries:
        return []
    html = Markup(render_template("responses/_results.html", project=project, entries=entries))
    return [ResultSection(_("Official responses"), html, order=80, key="responses.list")]


def print_sections(item_type: str, items: list[Any]) -> dict[int, Markup]:
    """The responses to ``items`` for a printed record, without any buttons."""
    kind = answerable().get(item_type)
    if kind is None or not items:
        return {}
    found = responses_for(item_type, [item.id for item in items])
    return {item.id: Markup(render_template("responses/_print.html", kind=kind, item=item, project=item.project,
                                            response=found[item.id],
                                            status_label=kind.status_label(kind.status_of(item))))
            for item in items if item.id in found}
