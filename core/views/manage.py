"""Initiators manage their project in the browser: details, phases, team, exports."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import exports
from ..extensions import db
from ..forms import ConfirmForm, MemberForm, PhaseForm, ProjectForm, setting_field
from ..models import Phase, Project, ProjectRole
from ..ordering import DIRECTIONS, reorder
from ..sanitize import clean_html
from ..services import add_phase, find_user, grant_role
from ..toolkit import abort, get_or_404, load_project, require

bp = Blueprint("manage", __name__, url_prefix="/p/<slug>/manage")


def _registry():
    return current_app.extensions["mitsprache"].registry


def _managed_project(slug: str) -> Project:
    project = load_project(slug)
    require("project.manage", project)
    return project


def phase_form_class():
    """PhaseForm plus one field per setting that a phase kind declares (``s_<kind>_<name>``)."""

    class _PhaseForm(PhaseForm):
        pass

    for kind in _registry().phase_kinds.values():
        for spec in kind.settings:
            setattr(_PhaseForm, f"s_{kind.name}_{spec.name}", setting_field(spec))
    return _PhaseForm


def _phase_form(phase: Phase | None = None):
    # A sent form is only what was sent: with obj=, a field left out kept the phase's stored
    # (time-zone aware) start, which the typed (naive) end could not be compared with: a 500.
    form = phase_form_class()(obj=phase if request.method == "GET" else None)
    form.kind.choices = [(k.name, str(k.label)) for k in _registry().phase_kinds.values()]
    if phase is not None and request.method == "GET":
        tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        from zoneinfo import ZoneInfo

        form.start.data = phase.start.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        form.end.data = phase.end.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        form.description.data = phase.description_html
        for spec in _registry().phase_kinds.get(phase.kind, None).settings if phase.kind in _registry().phase_kinds else ():
            getattr(form, f"s_{phase.kind}_{spec.name}").data = (phase.settings or {}).get(spec.name, spec.default)
    return form


def _settings_from(form) -> dict:
    kind = _registry().phase_kinds[form.kind.data]
    return {spec.name: getattr(form, f"s_{kind.name}_{spec.name}").data for spec in kind.settings}


def _settings_groups(form):
    """(kind, fields) pairs so the template can show each kind's settings together."""
    return [
        (kind, [getattr(form, f"s_{kind.name}_{spec.name}") for spec in kind.settings])
        for kind in _registry().phase_kinds.values()
        if kind.settings
    ]


@bp.route("", methods=["GET", "POST"])
def overview(slug):
    project = _managed_project(slug)
    form = ProjectForm(obj=project)
    if request.method == "GET":
        form.description.data = project.description_html
    if form.validate_on_submit():
        taken = db.session.scalar(db.select(Project.id).where(Project.slug == form.slug.data, Project.id != project.id))
        if taken:
            form.slug.errors.append(_("This short name is taken."))
        else:
            project.title = form.title.data.strip()
            project.slug = form.slug.data
            project.description_html = clean_html(form.description.data)
            project.is_public = form.is_public.data
            project.organisation = (form.organisation.data or "").strip()
            db.session.commit()
            flash(_("The project has been saved."), "success")
            return redirect(url_for("manage.overview", slug=project.slug))
    members = db.session.scalars(
        db.select(ProjectRole).where(ProjectRole.project_id == project.id).order_by(ProjectRole.role)
    ).all()
    return render_template(
        "manage/overview.html",
        project=project,
        form=form,
        member_form=MemberForm(),
        confirm=ConfirmForm(),
        members=members,
        exporters=list(_registry().exporters.values()),
    ), 400 if form.errors else 200


@bp.route("/phases/new", methods=["GET", "POST"])
def phase_new(slug):
    project = _managed_project(slug)
    form = _phase_form()
    if form.validate_on_submit():
        add_phase(
            project, form.kind.data, form.title.data.strip(), form.aware(form.start.data), form.aware(form.end.data),
            form.description.data or "", _settings_from(form),
        )
        db.session.commit()
        flash(_("The phase has been added."), "success")
        return redirect(url_for("manage.overview", slug=slug))
    return render_template(
        "manage/phase_form.html", project=project, form=form, phase=None, groups=_settings_groups(form)
    ), 400 if form.errors else 200


@bp.route("/phases/<int:phase_id>", methods=["GET", "POST"])
def phase_edit(slug, phase_id):
    project = _managed_project(slug)
    phase = get_or_404(Phase, phase_id, project)
    form = _phase_form(phase)
    if form.validate_on_submit():
        phase.kind = form.kind.data
        phase.title = form.title.data.strip()
        phase.description_html = clean_html(form.description.data)
        phase.start = form.aware(form.start.data)
        phase.end = form.aware(form.end.data)
        phase.settings = _settings_from(form)
        db.session.commit()
        flash(_("The phase has been saved."), "success")
        return redirect(url_for("manage.overview", slug=slug))
    return render_template(
        "manage/phase_form.html", project=project, form=form, phase=phase, groups=_settings_groups(form)
    ), 400 if form.errors else 200


@bp.post("/phases/<int:phase_id>/delete")
def phase_delete(slug, phase_id):
    project = _managed_project(slug)
    phase = get_or_404(Phase, phase_id, project)
    if ConfirmForm().validate_on_submit():
        db.session.delete(phase)
        db.session.commit()
        flash(_("The phase has been deleted."), "success")
    return redirect(url_for("manage.overview", slug=slug))


@bp.post("/phases/<int:phase_id>/move/<direction>")
def phase_move(slug, phase_id, direction):
    project = _managed_project(slug)
    phase = get_or_404(Phase, phase_id, project)
    if direction not in DIRECTIONS or not ConfirmForm().validate_on_submit():
        abort(400)
    if reorder(list(project.phases), phase, direction):
        db.session.commit()
    return redirect(url_for("manage.overview", slug=slug) + "#phases")


@bp.post("/members")
def member_add(slug):
    project = _managed_project(slug)
    form = MemberForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is None:
            flash(_("No registered user has this e-mail address. Ask them to register first."), "error")
        else:
            grant_role(project, user, form.role.data)
            db.session.commit()
            flash(_("%(name)s has been added.", name=user.display_name), "success")
    else:
        flash(_("Please enter a valid e-mail address."), "error")
    return redirect(url_for("manage.overview", slug=slug) + "#team")


@bp.post("/members/<int:role_id>/delete")
def member_remove(slug, role_id):
    project = _managed_project(slug)
    entry = get_or_404(ProjectRole, role_id, project)
    if ConfirmForm().validate_on_submit():
        if entry.user_id == current_user.id and entry.role == "initiator":
            flash(_("You cannot remove yourself as initiator."), "error")
        else:
            db.session.delete(entry)
            db.session.commit()
            flash(_("The role has been removed."), "success")
    return redirect(url_for("manage.overview", slug=slug) + "#team")


export_bp = Blueprint("exports", __name__)


@export_bp.get("/p/<slug>/export/<key>.<fmt>")
def download(slug, key, fmt):
    """Stream an exporter's table as CSV or XLSX to the project's initiators, in their language.

    ``?dialect=semicolon`` gives German Excel its separator; without it the
    reader's language decides (semicolon for German, comma otherwise).
    """
    project = _managed_project(slug)
    exporter = _registry().exporters.get(key)
    if exporter is None or fmt not in ("csv", "xlsx"):
        abort(404)
    dialect = request.args.get("dialect") or exports.default_dialect(str(get_locale() or ""))
    if dialect not in exports.DIALECTS:
        abort(400, description=_("Unknown CSV format “%(dialect)s”: choose comma or semicolon.", dialect=dialect))
    headers, rows = exports.table(exporter, project)
    filename = f"{project.slug}-{key}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(
            stream_with_context(exports.iter_csv(headers, rows, dialect)), mimetype="text/csv", headers=disposition
        )
    handle = exports.xlsx_file(headers, rows, title=str(exporter.label), zone=exports.zone().key)
    return Response(
        _chunks(handle),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=disposition,
    )


def _chunks(handle, size: int = 64 * 1024):
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()
