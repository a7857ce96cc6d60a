"""Organisations: the directory, public profiles, registering and editing, verification, block and report."""
from __future__ import annotations

from flask import g

from core.toolkit import (
    ConfirmForm, DomainError, _, abort, can, current_user, db, flash, get_or_404, now, posting_limit, redirect,
    render_template, request, require, url_for,
)

from .. import interest as machine
from .. import regions
from ..catalogue import challenges_of, initiatives_of
from ..forms import ActingForm, OrganisationForm
from ..models import Organisation
from ..organisations import add_member, kind_choices, kind_label, my_organisations, organisations_of
from . import bp, matchmaking_project
from .interest import panel


@bp.get("/organisations")
def organisations(slug):
    project = matchmaking_project(slug)
    return render_template("matchmaking/organisations.html", project=project, orgs=organisations_of(project),
                           kind_label=kind_label, region_label=regions.region_label,
                           create=can(current_user, "organisation.create", project), current_tab="organisations")


def _acting_form(project, target):
    form = ActingForm()
    form.acting.choices = [(str(o.id), o.name) for o in my_organisations(project) if o.id != target.id]
    return form


@bp.get("/organisations/<int:item_id>")
def organisation(slug, item_id):
    project = matchmaking_project(slug)
    org = get_or_404(Organisation, item_id, project)
    mine = my_organisations(project)
    blocked = machine.blocked_by([o.id for o in mine])
    return render_template(
        "matchmaking/organisation.html", project=project, org=org, kind_label=kind_label,
        region_label=regions.region_label, challenges=challenges_of(org), initiatives=initiatives_of(org),
        panel=panel(project, org), can_edit=bool(can(current_user, "organisation.edit", org)),
        can_verify=bool(can(current_user, "organisation.verify", org)),
        can_act=bool(can(current_user, "organisation.block", org)), acting_form=_acting_form(project, org),
        blocked=org.id in blocked, confirm=ConfirmForm(), current_tab="organisations",
    )


def _fill(org, form):
    org.kind = form.kind.data
    org.name = form.name.data
    org.description = form.description.data or ""
    org.website = form.website.data or ""
    org.region = regions.normalise(form.region.data)
    org.contact_name = form.contact_name.data or ""
    org.contact_email = form.contact_email.data or ""
    org.contact_phone = form.contact_phone.data or ""


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation(slug):
    project = matchmaking_project(slug)
    require("organisation.create", project)
    form = OrganisationForm()
    form.kind.choices = kind_choices(project)
    if form.validate_on_submit():
        org = Organisation(project_id=project.id, created_at=now())
        _fill(org, form)
        db.session.add(org)
        db.session.flush()
        add_member(org, current_user)
        db.session.commit()
        g.pop("_matchmaking_mine", None)
        flash(_("%(org)s is registered. The organisers will verify it; until then it is marked as unverified.",
                org=org.name), "success")
        return redirect(url_for("matchmaking.organisation", slug=slug, item_id=org.id))
    return render_template("matchmaking/organisation_form.html", project=project, form=form, org=None,
                           current_tab="organisations"), 400 if form.errors else 200


@bp.route("/organisations/<int:item_id>/edit", methods=["GET", "POST"])
def edit_organisation(slug, item_id):
    project = matchmaking_project(slug)
    org = get_or_404(Organisation, item_id, project)
    require("organisation.edit", org)
    form = OrganisationForm(obj=org if request.method == "GET" else None)
    form.kind.choices = kind_choices(project)
    if org.kind not in {key for key, _label in form.kind.choices}:
        form.kind.choices.append((org.kind, org.kind))
    if request.method == "GET":
        form.region.data = "" if org.region == regions.NATIONWIDE else org.region
    if form.validate_on_submit():
        _fill(org, form)
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("matchmaking.organisation", slug=slug, item_id=org.id))
    return render_template("matchmaking/organisation_form.html", project=project, form=form, org=org,
                           current_tab="organisations"), 400 if form.errors else 200


@bp.post("/organisations/<int:item_id>/verify")
def verify(slug, item_id):
    project = matchmaking_project(slug)
    org = get_or_404(Organisation, item_id, project)
    require("organisation.verify", org)
    if ConfirmForm().validate_on_submit():
        if org.verified_at is None:
            org.verified_at, org.verified_by_id = now(), current_user.id
            flash(_("%(org)s is verified.", org=org.name), "success")
        else:
            org.verified_at = org.verified_by_id = None
            flash(_("%(org)s is marked as unverified again.", org=org.name), "success")
        db.session.commit()
    return redirect(request.form.get("next") == "organisers" and url_for("matchmaking.organisers", slug=slug)
                    or url_for("matchmaking.organisation", slug=slug, item_id=org.id))


def _acting(project, org, action):
    require(action, org)
    form = _acting_form(project, org)
    if not form.validate_on_submit():
        abort(400)
    return form, db.session.get(Organisation, int(form.acting.data))


@bp.post("/organisations/<int:item_id>/block")
def block(slug, item_id):
    project = matchmaking_project(slug)
    org = get_or_404(Organisation, item_id, project)
    _form, acting = _acting(project, org, "organisation.block")
    try:
        if request.form.get("undo"):
            machine.unblock(acting, org)
            flash(_("%(org)s can contact you again.", org=org.name), "success")
        else:
            machine.block(acting, org)
            flash(_("%(org)s can no longer contact %(mine)s.", org=org.name, mine=acting.name), "success")
    except DomainError as error:
        flash(str(error), "error")
    return redirect(url_for("matchmaking.organisation", slug=slug, item_id=org.id))


@bp.post("/organisations/<int:item_id>/report")
@posting_limit("MATCHMAKING_RATE_LIMIT")
def report(slug, item_id):
    project = matchmaking_project(slug)
    org = get_or_404(Organisation, item_id, project)
    form, acting = _acting(project, org, "organisation.report")
    if not form.reason.data:
        flash(_("Please say briefly what happened."), "error")
    else:
        machine.report(acting, org, form.reason.data, author=current_user)
        flash(_("Thank you. The organisers will look into it."), "success")
    return redirect(url_for("matchmaking.organisation", slug=slug, item_id=org.id))
