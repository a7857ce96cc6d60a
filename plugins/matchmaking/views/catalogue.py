"""The catalogues: lists with filters and full-text search, item pages, forms; the regional overview."""
from __future__ import annotations

from flask import make_response

from core.toolkit import (
    _, abort, anonymous_page, can, current_user, db, flash, get_or_404, now, redirect, render_template, request,
    require, url_for, wants_fragment,
)

from .. import facets, regions
from ..catalogue import SORTS, Filters, fields_of, in_region, list_items, region_counts
from ..forms import ChallengeForm, InitiativeForm
from ..models import PUBLIC_BODY, Challenge, Field, Initiative
from ..organisations import is_organiser, my_organisations, organisations_of
from . import bp, matchmaking_project
from .interest import panel
from .suggestions import suggestions_for

VOCABULARIES = dict(sdgs=facets.SDGS, target_groups=facets.TARGET_GROUPS, resources=facets.RESOURCES,
                    solutions=facets.SOLUTIONS, maturity=facets.MATURITY, statuses=facets.CHALLENGE_STATUS)


def _listing(slug, kind):
    """A catalogue page (or its results for htmx); anonymous readers get it from the cache.

    What a visitor sees depends on the data (the project's cache scope), the
    URL with its filters, the language, the template htmx asks for and whether
    the phase lets people add entries: all part of the cache key. Logged-in
    readers see their own buttons and always get a fresh rendering.
    """
    project = matchmaking_project(slug)
    create = can(current_user, f"{kind}.create", project)
    fragment = wants_fragment()

    def render() -> str:
        fields = fields_of(project)
        filters = Filters.read(request.args, kind, fields)
        listing = list_items(project, kind, filters)
        return render_template(
            "matchmaking/_results.html" if fragment else "matchmaking/catalogue.html",
            project=project, kind=kind, listing=listing, filters=filters, fields=fields, sorts=SORTS[kind],
            lands=regions.land_choices()[1:], region_label=regions.region_label, create=create,
            as_fragment=fragment, current_tab=f"{kind}s", **VOCABULARIES,
        )

    key = ("matchmaking.catalogue", kind, fragment, bool(create), create.code, str(create.reason))
    response = make_response(anonymous_page(key, project, render))
    response.vary.add("HX-Request")
    return response


@bp.get("")
def challenges(slug):
    return _listing(slug, "challenge")


@bp.get("/initiatives")
def initiatives(slug):
    return _listing(slug, "initiative")


def _show(project, kind, item):
    return render_template(
        f"matchmaking/{kind}.html", project=project, kind=kind, item=item, org=item.organisation,
        region_label=regions.region_label, panel=panel(project, item.organisation, item),
        suggestions=suggestions_for(project, kind, item),
        can_edit=bool(can(current_user, f"{kind}.edit", item)), current_tab=f"{kind}s", **VOCABULARIES,
    )


@bp.get("/challenges/<int:item_id>")
def challenge(slug, item_id):
    project = matchmaking_project(slug)
    return _show(project, "challenge", get_or_404(Challenge, item_id, project))


@bp.get("/initiatives/<int:item_id>")
def initiative(slug, item_id):
    project = matchmaking_project(slug)
    return _show(project, "initiative", get_or_404(Initiative, item_id, project))


# ---------------------------------------------------------------------------
# Forms: new and edit
# ---------------------------------------------------------------------------


def _owner_choices(project, kind):
    """The organisations a challenge (public bodies) or an initiative (the other kinds) can belong to."""
    body_side = kind == "challenge"
    if is_organiser(current_user, project):
        orgs = organisations_of(project, body_side=body_side)
    else:
        orgs = [o for o in my_organisations(project) if (o.kind == PUBLIC_BODY) == body_side]
    return [(str(o.id), o.name) for o in orgs]


def _form(project, kind, item=None):
    form = (ChallengeForm if kind == "challenge" else InitiativeForm)()
    form.organisation.choices = _owner_choices(project, kind)
    if item is not None and str(item.organisation_id) not in {key for key, _label in form.organisation.choices}:
        form.organisation.choices.append((str(item.organisation_id), item.organisation.name))
    form.fields.choices = [(str(f.id), f.name) for f in fields_of(project)]
    if item is not None and request.method == "GET":
        form.organisation.data = str(item.organisation_id)
        form.description.data = item.description
        form.fields.data = [str(i) for i in item.field_ids]
        form.sdgs.data = [str(i) for i in item.sdgs]
        form.target_groups.data = sorted(item.target_groups)
        form.offers.data = sorted(item.offers)
        if kind == "challenge":
            form.title.data, form.tried.data, form.status.data = item.title, item.tried, item.status
            form.region.data = "" if item.region == regions.NATIONWIDE else item.region
        else:
            form.name.data, form.summary.data, form.maturity.data = item.name, item.summary, item.maturity
            form.regions.data = "; ".join(r for r in item.regions if r != regions.NATIONWIDE)
            form.needs.data = sorted(item.needs)
            form.references.data, form.licence.data = item.references, item.licence
    return form


def _apply(project, kind, form, item):
    item.organisation_id = int(form.organisation.data)
    item.description = form.description.data or ""
    item.fields = list(db.session.scalars(db.select(Field).where(
        Field.project_id == project.id, Field.id.in_([int(i) for i in form.fields.data or []]))))
    item.sdgs = [int(i) for i in form.sdgs.data or []]
    item.target_groups = form.target_groups.data or []
    item.offers = form.offers.data or []
    item.updated_at = now()
    if kind == "challenge":
        item.title, item.tried, item.status = form.title.data, form.tried.data or "", form.status.data
        item.region = regions.normalise(form.region.data)
    else:
        item.name, item.summary, item.maturity = form.name.data, form.summary.data, form.maturity.data
        item.regions = [regions.normalise(p) for p in (form.regions.data or "").split(";") if p.strip()] or [regions.NATIONWIDE]
        item.needs = form.needs.data or []
        item.references, item.licence = form.references.data or "", form.licence.data or ""


def _edit_page(project, kind, form, item):
    return render_template("matchmaking/item_form.html", project=project, kind=kind, form=form, item=item,
                           current_tab=f"{kind}s"), 400 if form.errors else 200


@bp.route("/<any(challenges, initiatives):kinds>/new", methods=["GET", "POST"])
def new_item(slug, kinds):
    project = matchmaking_project(slug)
    kind = kinds[:-1]
    require(f"{kind}.create", project)
    form = _form(project, kind)
    if form.validate_on_submit():
        item = (Challenge if kind == "challenge" else Initiative)(project_id=project.id, created_at=now())
        _apply(project, kind, form, item)
        db.session.add(item)
        db.session.commit()
        flash(_("Published. Everyone taking part can find it in the catalogue now."), "success")
        return redirect(url_for(f"matchmaking.{kind}", slug=slug, item_id=item.id))
    return _edit_page(project, kind, form, None)


@bp.route("/<any(challenges, initiatives):kinds>/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(slug, kinds, item_id):
    project = matchmaking_project(slug)
    kind = kinds[:-1]
    item = get_or_404(Challenge if kind == "challenge" else Initiative, item_id, project)
    require(f"{kind}.edit", item)
    form = _form(project, kind, item)
    if form.validate_on_submit():
        _apply(project, kind, form, item)
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for(f"matchmaking.{kind}", slug=slug, item_id=item.id))
    return _edit_page(project, kind, form, item)


# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------


@bp.get("/regions")
def regions_overview(slug):
    project = matchmaking_project(slug)
    return render_template("matchmaking/regions.html", project=project, counts=region_counts(project),
                           lands=regions.LAENDER, current_tab="regions")


@bp.get("/regions/<code>")
def region(slug, code):
    project = matchmaking_project(slug)
    normal = regions.normalise(code)
    if normal is None or normal == regions.NATIONWIDE or normal != code:
        abort(404)
    return render_template("matchmaking/region.html", project=project, code=code, name=regions.region_label(code),
                           found=in_region(project, code), region_label=regions.region_label, current_tab="regions")

