"""The two catalogues: filters read from the query string, one page of results, search, regions.

::

    filters = Filters.read(request.args, "initiative", fields)
    listing = list_items(project, "initiative", filters)    # listing.items, .total, .page, .pages

A page costs a count query, an id query (sorted, with the search ranking when
there is a query) and one query for the page's items with their organisations
and fields, however many items match.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.toolkit import MAX_PAGE, _l, db, parse_int

from . import facets, regions
from .models import Challenge, Field, Initiative, Organisation, challenge_fields, initiative_fields
from .search import search

PER_PAGE = 20
MODELS = {"challenge": Challenge, "initiative": Initiative}
SORTS = {
    "challenge": [("newest", _l("Newest first")), ("title", _l("Title A–Z")), ("relevance", _l("Best match"))],
    "initiative": [("newest", _l("Newest first")), ("title", _l("Name A–Z")), ("maturity", _l("Most mature first")),
                   ("relevance", _l("Best match"))],
}


@dataclass
class Filters:
    q: str = ""
    field: int | None = None
    sdg: int | None = None
    region: str | None = None
    target: str | None = None
    maturity: str | None = None
    status: str | None = None
    need: str | None = None
    offer: str | None = None
    verified: bool = False
    sort: str = "newest"
    page: int = 1

    @classmethod
    def read(cls, args, kind: str, fields: list[Field]) -> "Filters":
        """Filters from a query string; anything unknown is ignored, never an error."""
        def choice(name, vocabulary):
            value = args.get(name) or None
            return value if value in facets.keys(vocabulary) else None

        region = regions.normalise(args.get("region")) if args.get("region") else None
        sort = args.get("sort", "")
        q = " ".join((args.get("q") or "").split())[:200]
        if sort not in {key for key, _label in SORTS[kind]}:
            sort = "relevance" if q else "newest"
        field_id = parse_int(args.get("field"))
        return cls(
            q=q,
            field=field_id if field_id in {f.id for f in fields} else None,
            sdg=parse_int(args.get("sdg"), minimum=1, maximum=17),
            region=region if region and region != regions.NATIONWIDE else None,
            target=choice("target", facets.TARGET_GROUPS),
            maturity=choice("maturity", facets.MATURITY) if kind == "initiative" else None,
            status=choice("status", facets.CHALLENGE_STATUS) if kind == "challenge" else None,
            need=choice("need", facets.RESOURCES),
            offer=choice("offer", facets.RESOURCES if kind == "challenge" else facets.SOLUTIONS),
            verified=args.get("verified") == "1",
            sort=sort,
            page=parse_int(args.get("page"), minimum=1, maximum=MAX_PAGE) or 1,
        )

    def args(self, **changes) -> dict[str, Any]:
        """Query-string arguments for links (pages, "remove this filter"), without empty ones."""
        values = replace(self, **changes)
        out = {key: getattr(values, key) for key in ("q", "field", "sdg", "region", "target", "maturity", "status",
                                                      "need", "offer")}
        out["verified"] = "1" if values.verified else None
        out["sort"] = values.sort if values.sort not in ("newest", "relevance") else None
        out["page"] = values.page if values.page > 1 else None
        return {key: value for key, value in out.items() if value not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.args(sort="newest", page=1))

    @property
    def facets_active(self) -> bool:
        """A filter other than the search words, or a sort of one's own: the filter panel starts open."""
        return bool(self.args(q="", page=1))


@dataclass
class Listing:
    kind: str
    items: list[Any]
    total: int
    page: int
    pages: int
    filters: Filters
    scores: dict[int, float] = field(default_factory=dict)


def region_condition(kind: str, code: str):
    """Items in region ``code``: inside it, and (for initiatives) those active nationwide."""
    if kind == "challenge":
        return regions.prefix_filter(Challenge.region, code)
    return or_(Initiative.regions_text.like(f"{code}%"), Initiative.regions_text.like(f"%;{code}%"),
               Initiative.regions_text.like(f"%{regions.NATIONWIDE}%"))


def filtered(project, kind: str, filters: Filters):
    """A select of the matching ids' rows (no order, no limit)."""
    model = MODELS[kind]
    query = select(model.id).where(model.project_id == project.id)
    if filters.field is not None:
        link = challenge_fields if kind == "challenge" else initiative_fields
        key = link.c.challenge_id if kind == "challenge" else link.c.initiative_id
        query = query.where(model.id.in_(select(key).where(link.c.field_id == filters.field)))
    if filters.sdg is not None:
        query = query.where(model.sdg_mask.op("&")(1 << (filters.sdg - 1)) != 0)
    if filters.target:
        query = query.where(model.target_mask.op("&")(facets.bit(filters.target, facets.TARGET_GROUPS)) != 0)
    if filters.region:
        query = query.where(region_condition(kind, filters.region))
    if kind == "challenge":
        if filters.status:
            query = query.where(Challenge.status == filters.status)
        if filters.offer:
            query = query.where(Challenge.offer_mask.op("&")(facets.bit(filters.offer, facets.RESOURCES)) != 0)
    else:
        if filters.maturity:
            query = query.where(Initiative.maturity == filters.maturity)
        if filters.need:
            query = query.where(Initiative.need_mask.op("&")(facets.bit(filters.need, facets.RESOURCES)) != 0)
        if filters.offer:
            query = query.where(Initiative.offer_mask.op("&")(facets.bit(filters.offer, facets.SOLUTIONS)) != 0)
    if filters.verified:
        query = query.where(model.organisation_id.in_(
            select(Organisation.id).where(Organisation.project_id == project.id, Organisation.verified_at.isnot(None))
        ))
    return query


def _order(kind: str, sort: str):
    model = MODELS[kind]
    if sort == "title":
        return [func.lower(Challenge.title if kind == "challenge" else Initiative.name), model.id]
    if sort == "maturity" and kind == "initiative":
        from sqlalchemy import case

        rank = case({key: -i for key, i in facets.MATURITY_RANK.items()}, value=Initiative.maturity, else_=0)
        return [rank, model.created_at.desc(), model.id.desc()]
    return [model.created_at.desc(), model.id.desc()]


def list_items(project, kind: str, filters: Filters, *, per_page: int = PER_PAGE) -> Listing:
    model = MODELS[kind]
    query = filtered(project, kind, filters)
    scores: dict[int, float] = {}
    if filters.q:
        hits = search(kind, filters.q, project_id=project.id, limit=5000)
        scores = {hit.id: hit.score for hit in hits}
        query = query.where(model.id.in_(list(scores) or [-1]))
    if filters.q and filters.sort == "relevance":
        matching = set(db.session.scalars(query))
        ordered_ids = [item_id for item_id in scores if item_id in matching]  # search order: best first
        total = len(ordered_ids)
        pages = max(1, math.ceil(total / per_page))
        page = min(filters.page, pages)
        page_ids = ordered_ids[(page - 1) * per_page: page * per_page]
    else:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        pages = max(1, math.ceil(total / per_page))
        page = min(filters.page, pages)
        page_ids = list(db.session.scalars(
            query.order_by(*_order(kind, filters.sort)).limit(per_page).offset((page - 1) * per_page)
        ))
    items = load(kind, page_ids)
    return Listing(kind, [items[i] for i in page_ids if i in items], total, page, pages, filters, scores)


def load(kind: str, ids) -> dict[int, Any]:
    """``{id: item}`` with organisation, project and fields, in two queries."""
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    model = MODELS[kind]
    rows = db.session.scalars(
        select(model).options(joinedload(model.organisation), joinedload(model.project), selectinload(model.fields))
        .where(model.id.in_(ids))
    ).unique()
    return {item.id: item for item in rows}


def fields_of(project) -> list[Field]:
    return list(db.session.scalars(select(Field).where(Field.project_id == project.id).order_by(Field.position, Field.id)))


def challenges_of(org) -> list[Challenge]:
    return list(db.session.scalars(select(Challenge).where(Challenge.organisation_id == org.id).order_by(Challenge.id)))


def initiatives_of(org) -> list[Initiative]:
    return list(db.session.scalars(select(Initiative).where(Initiative.organisation_id == org.id).order_by(Initiative.id)))


def region_counts(project) -> dict[str, dict[str, int]]:
    """Per Land: challenges located there, initiatives based there (by their organisation's region)."""
    counts: dict[str, dict[str, int]] = {code: {"challenges": 0, "initiatives": 0} for code in regions.LAENDER}
    def land(column):  # literal positions: PostgreSQL wants GROUP BY to repeat the selected expression exactly
        return func.substr(column, literal_column("1"), literal_column("2"))

    for region, n in db.session.execute(
        select(land(Challenge.region), func.count(Challenge.id))
        .where(Challenge.project_id == project.id).group_by(land(Challenge.region))
    ):
        if region in counts:
            counts[region]["challenges"] = n
    for region, n in db.session.execute(
        select(land(Organisation.region), func.count(Initiative.id))
        .join(Organisation, Organisation.id == Initiative.organisation_id)
        .where(Initiative.project_id == project.id).group_by(land(Organisation.region))
    ):
        if region in counts:
            counts[region]["initiatives"] = n
    return counts


def in_region(project, code: str) -> dict[str, list]:
    """The regional overview: challenges there, initiatives based there, initiatives active there from elsewhere."""
    challenges = list(db.session.scalars(
        select(Challenge).options(joinedload(Challenge.organisation))
        .where(Challenge.project_id == project.id, regions.prefix_filter(Challenge.region, code))
        .order_by(Challenge.title)
    ).unique())
    based = list(db.session.scalars(
        select(Initiative).options(joinedload(Initiative.organisation))
        .join(Organisation, Organisation.id == Initiative.organisation_id)
        .where(Initiative.project_id == project.id, regions.prefix_filter(Organisation.region, code))
        .order_by(Initiative.name)
    ).unique())
    based_ids = {i.id for i in based}
    active = [i for i in db.session.scalars(
        select(Initiative).options(joinedload(Initiative.organisation))
        .where(Initiative.project_id == project.id, or_(Initiative.regions_text.like(f"{code}%"),
                                                         Initiative.regions_text.like(f"%;{code}%")))
        .order_by(Initiative.name)
    ).unique() if i.id not in based_ids]
    return {"challenges": challenges, "based": based, "active": active}
