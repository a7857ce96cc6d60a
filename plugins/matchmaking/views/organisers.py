"""The organisers' pages: dashboard with funnel, introductions and outcomes; fields of action; import;
settings (recommendation weights, organisation kinds); the event's slot allocation."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.toolkit import (
    ConfirmForm, DomainError, _, _l, abort, current_user, db, flash, get_or_404, now, parse_int, redirect,
    render_template, request, require, url_for,
)

from .. import interest as machine
from ..catalogue import fields_of
from ..forms import FieldForm, ImportForm, IntroductionForm, OutcomeForm, weights_form
from ..importer import ImportFailed, import_file
from ..models import (
    PUBLIC_BODY, Challenge, Connection, Field, Initiative, Interest, Introduction, Organisation, Report, Settings, Wish,
)
from ..organisations import kind_label, organisations_of, settings_of
from ..stats import funnel, overview_counts
from . import bp, matchmaking_project


def _organised(slug):
    project = matchmaking_project(slug)
    require("project.manage", project)
    return project


def _introduction_form(project):
    form = IntroductionForm()
    orgs = organisations_of(project)
    form.body.choices = [(str(o.id), o.name) for o in orgs if o.kind == PUBLIC_BODY]
    form.partner.choices = [(str(o.id), o.name) for o in orgs if o.kind != PUBLIC_BODY]
    return form


@bp.get("/organisers")
def organisers(slug):
    project = _organised(slug)
    days = machine.expiry_days(project)
    interests = list(db.session.scalars(
        select(Interest).options(joinedload(Interest.sender), joinedload(Interest.receiver))
        .where(Interest.project_id == project.id).order_by(Interest.created_at.desc())
    ).unique())
    connections = list(db.session.scalars(
        select(Connection).options(joinedload(Connection.org_low), joinedload(Connection.org_high))
        .where(Connection.project_id == project.id).order_by(Connection.created_at.desc())
    ).unique())
    asked_challenges = select(Interest.challenge_id).where(Interest.project_id == project.id, Interest.challenge_id.isnot(None))
    lonely_challenges = list(db.session.scalars(
        select(Challenge).options(joinedload(Challenge.organisation))
        .where(Challenge.project_id == project.id, Challenge.id.not_in(asked_challenges)).order_by(Challenge.title)
    ).unique())
    asked_initiatives = select(Interest.initiative_id).where(Interest.project_id == project.id, Interest.initiative_id.isnot(None))
    wished = select(Wish.initiative_id).where(Wish.project_id == project.id)
    lonely_initiatives = list(db.session.scalars(
        select(Initiative).options(joinedload(Initiative.organisation))
        .where(Initiative.project_id == project.id, Initiative.id.not_in(asked_initiatives), Initiative.id.not_in(wished))
        .order_by(Initiative.name)
    ).unique())
    wishes: dict[Organisation, list[Wish]] = {}
    for wish in db.session.scalars(
        select(Wish).options(joinedload(Wish.organisation), joinedload(Wish.initiative))
        .where(Wish.project_id == project.id).order_by(Wish.organisation_id, Wish.rank)
    ).unique():
        wishes.setdefault(wish.organisation, []).append(wish)
    introductions = list(db.session.scalars(
        select(Introduction).options(joinedload(Introduction.org_low), joinedload(Introduction.org_high))
        .where(Introduction.project_id == project.id).order_by(Introduction.created_at.desc())
    ).unique())
    reports = list(db.session.scalars(
        select(Report).options(joinedload(Report.reporter), joinedload(Report.reported))
        .where(Report.project_id == project.id, Report.resolved_at.is_(None)).order_by(Report.created_at)
    ).unique())
    unverified = [o for o in organisations_of(project) if not o.is_verified]
    return render_template(
        "matchmaking/organisers.html", project=project, counts=overview_counts(project), funnel=funnel(project),
        interests=[(i, machine.shown_state(i, set(), organiser=True, days=days)) for i in interests],
        connections=connections, lonely_challenges=lonely_challenges, lonely_initiatives=lonely_initiatives,
        wishes=wishes, introductions=introductions, reports=reports, unverified=unverified, kind_label=kind_label,
        intro_form=_introduction_form(project), outcome_choices=OutcomeForm().outcome.choices, confirm=ConfirmForm(),
        current_tab="organisers",
    )


@bp.post("/organisers/introductions")
def propose(slug):
    project = _organised(slug)
    form = _introduction_form(project)
    if form.validate_on_submit():
        a = db.session.get(Organisation, int(form.body.data))
        b = db.session.get(Organisation, int(form.partner.data))
        try:
            machine.propose(project, a, b, note=form.note.data or "", by=current_user)
            flash(_("Introduction proposed: %(a)s and %(b)s are asked to accept.", a=a.name, b=b.name), "success")
        except DomainError as error:
            flash(str(error), "error")
    else:
        flash(_("Choose a public body and an initiative."), "error")
    return redirect(url_for("matchmaking.organisers", slug=slug) + "#introductions")


@bp.post("/connections/<int:connection_id>/outcome")
def outcome(slug, connection_id):
    project = _organised(slug)
    connection = get_or_404(Connection, connection_id, project)
    form = OutcomeForm()
    if form.validate_on_submit():
        machine.record_outcome(connection, form.outcome.data, form.note.data or "")
        flash(_("Outcome recorded."), "success")
    return redirect(url_for("matchmaking.organisers", slug=slug) + "#connections")


@bp.post("/reports/<int:report_id>/resolve")
def resolve_report(slug, report_id):
    project = _organised(slug)
    report = get_or_404(Report, report_id, project)
    if ConfirmForm().validate_on_submit():
        report.resolved_at = now()
        db.session.commit()
        flash(_("The report is marked as dealt with."), "success")
    return redirect(url_for("matchmaking.organisers", slug=slug) + "#reports")


# ---------------------------------------------------------------------------
# Fields of action
# ---------------------------------------------------------------------------


@bp.route("/organisers/fields", methods=["GET", "POST"])
def fields(slug):
    project = _organised(slug)
    form = FieldForm()
    if form.validate_on_submit():
        existing = {f.name.casefold() for f in fields_of(project)}
        if form.name.data.casefold() in existing:
            form.name.errors.append(_("A field of action with this name exists already."))
        else:
            position = db.session.scalar(select(func.coalesce(func.max(Field.position), -1)).where(Field.project_id == project.id))
            db.session.add(Field(project_id=project.id, name=form.name.data, position=position + 1))
            db.session.commit()
            flash(_("\"%(name)s\" has been added.", name=form.name.data), "success")
            return redirect(url_for("matchmaking.fields", slug=slug))
    return render_template("matchmaking/fields.html", project=project, form=form, fields=fields_of(project),
                           confirm=ConfirmForm(), current_tab="organisers"), 400 if form.errors else 200


@bp.post("/organisers/fields/<int:field_id>/delete")
def delete_field(slug, field_id):
    project = _organised(slug)
    field = get_or_404(Field, field_id, project)
    if ConfirmForm().validate_on_submit():
        db.session.delete(field)
        db.session.commit()
        flash(_("\"%(name)s\" has been removed.", name=field.name), "success")
    return redirect(url_for("matchmaking.fields", slug=slug))


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


@bp.route("/organisers/import", methods=["GET", "POST"])
def import_catalogue(slug):
    project = _organised(slug)
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_file(project, form.kind.data, upload.stream, upload.filename or "")
            flash(_("Imported: %(created)d new, %(updated)d updated.", created=report.created, updated=report.updated),
                  "success")
            return redirect(url_for("matchmaking.import_catalogue", slug=slug))
        except ImportFailed as error:
            report, status = error, 400
    elif form.errors:
        status = 400
    return render_template("matchmaking/import.html", project=project, form=form, failure=report,
                           current_tab="organisers"), status


# ---------------------------------------------------------------------------
# Settings: weights of the recommendations, organisation kinds
# ---------------------------------------------------------------------------


WEIGHT_LABELS = [
    ("fields", _l("Same fields of action")), ("sdgs", _l("Same SDGs")), ("target_groups", _l("Same target groups")),
    ("needs_offers", _l("Offers meet needs")), ("region", _l("Region fit")), ("maturity", _l("Maturity fit")),
    ("text", _l("Text similarity")),
]


def _weight_defaults():
    try:
        from ..recommend import DEFAULT_WEIGHTS
    except ImportError:
        return []
    return list(DEFAULT_WEIGHTS.as_dict().items())


@bp.route("/organisers/settings", methods=["GET", "POST"])
def settings(slug):
    project = _organised(slug)
    defaults = _weight_defaults()
    stored = settings_of(project)
    form = weights_form(defaults)()
    if request.method == "GET":
        form.extra_kinds.data = "; ".join(stored.extra_kinds or [])
        for name, default in defaults:
            getattr(form, f"w_{name}").data = (stored.weights or {}).get(name, default)
    if form.validate_on_submit():
        row = db.session.scalar(select(Settings).where(Settings.project_id == project.id))
        if row is None:
            row = Settings(project_id=project.id, weights={}, extra_kinds=[])
            db.session.add(row)
        row.weights = {name: float(getattr(form, f"w_{name}").data) for name, default in defaults
                       if getattr(form, f"w_{name}").data is not None}
        kinds = [k.strip()[:40] for k in (form.extra_kinds.data or "").split(";") if k.strip()]
        row.extra_kinds = [k for k in dict.fromkeys(kinds) if k not in (PUBLIC_BODY, "initiative")]
        row.updated_at = now()
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("matchmaking.settings", slug=slug))
    return render_template("matchmaking/settings.html", project=project, form=form, weight_labels=WEIGHT_LABELS,
                           weight_fields=[getattr(form, f"w_{name}") for name, _default in defaults],
                           current_tab="organisers"), 400 if form.errors else 200


# ---------------------------------------------------------------------------
# Allocation of event slots from the wish lists
# ---------------------------------------------------------------------------


def _allocation_module():
    try:
        from .. import allocation
    except ImportError:
        return None
    return allocation if hasattr(allocation, "allocate") else None


@bp.route("/organisers/allocation", methods=["GET", "POST"])
def allocation(slug):
    project = _organised(slug)
    module = _allocation_module()
    body_capacity = parse_int(request.values.get("body_capacity"), minimum=0, maximum=100)
    initiative_capacity = parse_int(request.values.get("initiative_capacity"), minimum=0, maximum=100)
    body_capacity = 3 if body_capacity is None else body_capacity
    initiative_capacity = 3 if initiative_capacity is None else initiative_capacity
    result = None
    orgs = {o.id: o for o in organisations_of(project)}
    initiatives = {i.id: i for i in db.session.scalars(select(Initiative).where(Initiative.project_id == project.id))}
    if module is not None and request.values.get("compute"):
        wishes = module.project_wishes(project.id)
        result = module.allocate(wishes, body_capacity, initiative_capacity, initiatives=list(initiatives))
        if request.method == "POST":
            if not ConfirmForm().validate_on_submit():
                abort(400)
            made = 0
            for meeting in result.meetings:
                body, initiative = orgs.get(meeting.body), initiatives.get(meeting.initiative)
                if body is None or initiative is None:
                    continue
                try:
                    machine.propose(project, body, initiative.organisation, by=current_user, source="allocation",
                                    note=_("Meeting at the regional event (wish %(rank)d)", rank=meeting.rank))
                    made += 1
                except DomainError:
                    continue  # connected already
            flash(_("%(n)d introductions proposed; both sides are asked to accept.", n=made), "success")
            return redirect(url_for("matchmaking.organisers", slug=slug) + "#introductions")
    return render_template("matchmaking/allocation.html", project=project, available=module is not None, result=result,
                           orgs=orgs, initiatives=initiatives, body_capacity=body_capacity,
                           initiative_capacity=initiative_capacity, confirm=ConfirmForm(), current_tab="organisers")
