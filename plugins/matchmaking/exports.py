"""Exports for the organisers: challenges, initiatives and connections (CSV and XLSX through the core).

Only the project's initiators download exports, and they may see every
contact detail, so the catalogue exports carry the organisations' contacts.
Rows are read in batches by id, so memory stays flat.
"""
from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.toolkit import Exporter, _, _l, db, time_header

from . import facets, organisations, regions
from .models import Challenge, Connection, Initiative

BATCH = 500


def _contact_headers() -> list[str]:
    return [_("Organisation"), _("Verified"), _("Contact e-mail"), _("Contact phone"), _("Contact person")]


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
    # A bool: the core writes it as the reader's "yes"/"no".
    return [org.name, bool(org.is_verified), org.contact_email, org.contact_phone, org.contact_name]


def _listed(values, vocabulary) -> str:
    return "; ".join(facets.labels(values, vocabulary))


def _common(item) -> list[str]:
    return ["; ".join(f.name for f in item.fields), "; ".join(str(n) for n in sorted(item.sdgs)),
            _listed(item.target_groups, facets.TARGET_GROUPS)]


def challenge_rows(project) -> Iterator[list[Any]]:
    for c in _batches(Challenge, project, joinedload(Challenge.organisation), selectinload(Challenge.fields)):
        yield [c.id, c.external_id or "", c.title, c.description, c.tried, regions.region_label(c.region),
               facets.label_of(c.status, facets.CHALLENGE_STATUS), *_common(c), _listed(c.offers, facets.RESOURCES),
               c.created_at, *_org_cells(c.organisation)]


def initiative_rows(project) -> Iterator[list[Any]]:
    for i in _batches(Initiative, project, joinedload(Initiative.organisation), selectinload(Initiative.fields)):
        yield [i.id, i.external_id or "", i.name, i.summary, i.description,
               facets.label_of(i.maturity, facets.MATURITY), "; ".join(regions.region_label(r) for r in i.regions),
               *_common(i), _listed(i.offers, facets.SOLUTIONS), _listed(i.needs, facets.RESOURCES), i.references,
               i.licence, i.created_at, *_org_cells(i.organisation)]


def origin_labels() -> dict[str, str]:
    return {"answer": _("Interest accepted"), "crossing": _("Both showed interest"), "introduction": _("Introduced by the organisers")}


def outcome_labels() -> dict[str, str]:
    return {"": _("Connected"), "pilot_agreed": _("Pilot agreed"), "adopted": _("Adopted"), "ended": _("Ended")}


def connection_rows(project) -> Iterator[list[Any]]:
    origins, outcomes = origin_labels(), outcome_labels()
    for c in _batches(Connection, project, joinedload(Connection.org_low), joinedload(Connection.org_high)):
        yield [c.id, c.org_low.name, organisations.kind_label(c.org_low.kind), c.org_high.name,
               organisations.kind_label(c.org_high.kind), origins.get(c.origin, c.origin), c.created_at,
               outcomes.get(c.outcome or "", c.outcome), c.outcome_note, c.outcome_at]


def challenge_headers(project) -> list[Any]:
    return [_("No."), _("External ID"), _("Title"), _("Description"), _("Already tried"), _("Region"), _("Status"),
            _("Fields"), _("SDGs"), _("Target groups"), _("Offers"), time_header(_("Created")), *_contact_headers()]


def initiative_headers(project) -> list[Any]:
    return [_("No."), _("External ID"), _("Name"), _("Summary"), _("Description"), _("Maturity"), _("Regions"),
            _("Fields"), _("SDGs"), _("Target groups"), _("Offers"), _("Needs"), _("References"), _("Licence"),
            time_header(_("Created")), *_contact_headers()]


def connection_headers(project) -> list[Any]:
    return [_("No."), _("Organisation A"), _("Kind A"), _("Organisation B"), _("Kind B"), _("How it came about"),
            time_header(_("Connected")), _("Outcome"), _("Note"), time_header(_("Outcome recorded"))]


EXPORTERS = [
    Exporter("challenges", _l("Matchmaking: challenges"), headers=challenge_headers, rows=challenge_rows),
    Exporter("initiatives", _l("Matchmaking: initiatives"), headers=initiative_headers, rows=initiative_rows),
    Exporter("connections", _l("Matchmaking: connections"), headers=connection_headers, rows=connection_rows),
]
