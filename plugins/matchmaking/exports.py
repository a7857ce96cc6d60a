"""Exports for the organisers: challenges, initiatives and connections (CSV and XLSX through the core).

Only the project's initiators download exports, and they may see every
contact detail, so the catalogue exports carry the organisations' contacts.
Rows are read in batches by id, so memory stays flat.
"""
from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.toolkit import Exporter, _l, db

from . import facets, regions
from .models import Challenge, Connection, Initiative

BATCH = 500
CONTACT_HEADERS = ["organisation", "verified", "contact_email", "contact_phone", "contact_name"]


def _batches(model, project, *options) -> Iterator[Any]:
    last_id = 0
    while True:
        batch = list(db.session.scalars(
            select(model).options(*options).where(model.project_id == project.id, model.id > last_id)
            .order_by(model.id).limit(BATCH)
        ).unique())
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _org_cells(org) -> list[Any]:
    return [org.name, "yes" if org.is_verified else "no", org.contact_email, org.contact_phone, org.contact_name]


def _common(item) -> list[str]:
    return ["; ".join(f.name for f in item.fields), "; ".join(str(n) for n in sorted(item.sdgs)),
            "; ".join(sorted(item.target_groups))]


def challenge_rows(project) -> Iterator[list[Any]]:
    for c in _batches(Challenge, project, joinedload(Challenge.organisation), selectinload(Challenge.fields)):
        yield [c.id, c.external_id or "", c.title, c.description, c.tried, c.region, regions.region_label(c.region),
               c.status, *_common(c), "; ".join(k for k, _label in facets.RESOURCES if k in c.offers),
               c.created_at, *_org_cells(c.organisation)]


def initiative_rows(project) -> Iterator[list[Any]]:
    for i in _batches(Initiative, project, joinedload(Initiative.organisation), selectinload(Initiative.fields)):
        yield [i.id, i.external_id or "", i.name, i.summary, i.description, i.maturity, "; ".join(i.regions),
               *_common(i), "; ".join(k for k, _label in facets.SOLUTIONS if k in i.offers),
               "; ".join(k for k, _label in facets.RESOURCES if k in i.needs), i.references, i.licence, i.created_at,
               *_org_cells(i.organisation)]


def connection_rows(project) -> Iterator[list[Any]]:
    for c in _batches(Connection, project, joinedload(Connection.org_low), joinedload(Connection.org_high)):
        yield [c.id, c.org_low.name, c.org_low.kind, c.org_high.name, c.org_high.kind, c.origin, c.created_at,
               c.outcome or "connected", c.outcome_note, c.outcome_at]


EXPORTERS = [
    Exporter("challenges", _l("Matchmaking: challenges"), headers=lambda project: [
        "id", "external_id", "title", "description", "tried", "region", "region_name", "status", "fields", "sdgs",
        "target_groups", "offers", "created", *CONTACT_HEADERS], rows=challenge_rows),
    Exporter("initiatives", _l("Matchmaking: initiatives"), headers=lambda project: [
        "id", "external_id", "title", "summary", "description", "maturity", "regions", "fields", "sdgs",
        "target_groups", "offers", "needs", "references", "licence", "created", *CONTACT_HEADERS], rows=initiative_rows),
    Exporter("connections", _l("Matchmaking: connections"), headers=lambda project: [
        "id", "organisation_a", "kind_a", "organisation_b", "kind_b", "origin", "connected", "outcome", "note",
        "outcome_recorded"], rows=connection_rows),
]
