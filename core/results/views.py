"""The results pages: a project's published results, one phase's results, its summary report, and editing them.

Readers: ``/p/<slug>/results`` lists every phase whose results are public;
``/p/<slug>/results/<phase id>`` shows one (the initiator's text, next steps and
link, then each plugin's figures); ``…/report`` is the same figures laid out for
paper. Before publication the project's staff see the pages with a preview
banner and everyone else gets 404 (:mod:`.access`).

Initiators: ``/p/<slug>/manage/phases/<id>/results`` to write the texts, save
them as a draft, publish them (once the phase has ended) or take them back.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _

from ..clock import now
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Phase, PhaseState
from ..timefmt import format_moment
from ..toolkit import get_or_404, load_project, require
from .access import forget_results, is_public, is_staff, public_result, results_by_phase
from .forms import ResultsForm
from .sections import result_sections
from .services import save_results

bp = Blueprint("results", __name__)


bp.add_app_template_global(public_result)  # the project page's "See the results" button asks it


@bp.app_template_filter("share")
def share(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` in the reader's language ("40 %" / "40%"); 0 for an empty whole."""
    return format_percent(part / whole if whole else 0)


def _readable(slug: str, phase_id: int):
    """(project, phase, result) for a reader, or 404 for results that are not public and a reader who is not staff."""
    project = load_project(slug)
    phase = get_or_404(Phase, phase_id, project)
    result = results_by_phase(project).get(phase.id)
    if not is_public(phase, result) and not (result is not None and is_staff(project)):
        abort(404)
    return project, phase, result


def _page(template: str, slug: str, phase_id: int):
    project, phase, result = _readable(slug, phase_id)
    return render_template(template, project=project, phase=phase, result=result,
                           preview=not is_public(phase, result), sections=result_sections(project, phase),
                           time_zone=current_app.config["BABEL_DEFAULT_TIMEZONE"])


@bp.get("/p/<slug>/results")
def project_results(slug):
    project = load_project(slug)
    saved = results_by_phase(project)
    staff = is_staff(project)
    entries = [(phase, saved[phase.id], is_public(phase, saved[phase.id])) for phase in project.phases
               if phase.id in saved and (staff or is_public(phase, saved[phase.id]))]
    return render_template("results/project.html", project=project, entries=entries)


@bp.get("/p/<slug>/results/<int:phase_id>")
def phase_results(slug, phase_id):
    return _page("results/phase.html", slug, phase_id)


@bp.get("/p/<slug>/results/<int:phase_id>/report")
def report(slug, phase_id):
    return _page("results/report.html", slug, phase_id)


def _managed(slug: str, phase_id: int):
    project = load_project(slug)
    require("project.manage", project)
    return project, get_or_404(Phase, phase_id, project)


@bp.route("/p/<slug>/manage/phases/<int:phase_id>/results", methods=["GET", "POST"])
def edit(slug, phase_id):
    """Write the results; "Save and publish" also publishes them, which only an ended phase allows."""
    project, phase = _managed(slug, phase_id)
    result = results_by_phase(project).get(phase.id)
    form = ResultsForm(obj=result if request.method == "GET" else None)
    if request.method == "GET" and result is not None:
        form.text.data, form.next_steps.data = result.text_html, result.next_steps_html
    ended = phase.state(now()) is PhaseState.ENDED
    publishing = request.form.get("action") == "publish"
    if form.validate_on_submit():
        if publishing and not ended:
            form.form_errors.append(_("Results can be published once the phase has ended (%(when)s).",
                                      when=format_moment(phase.end)))
        elif publishing and not form.text.data:
            form.text.errors.append(_("Write the results before publishing them."))
        else:
            save_results(phase, form.text.data, form.next_steps.data, form.link_url.data, form.link_label.data,
                         result=result, publish=publishing)
            db.session.commit()
            forget_results(project)
            flash(_("The results have been published.") if publishing else _("The results have been saved."),
                  "success")
            return redirect(url_for("results.edit", slug=slug, phase_id=phase.id))
    return render_template("results/edit.html", project=project, phase=phase, result=result, form=form,
                           ended=ended, confirm=ConfirmForm()), 400 if (form.errors or form.form_errors) else 200


@bp.post("/p/<slug>/manage/phases/<int:phase_id>/results/unpublish")
def unpublish(slug, phase_id):
    """Take published results back: the page is a staff-only preview again, the texts stay."""
    project, phase = _managed(slug, phase_id)
    result = results_by_phase(project).get(phase.id)
    if result is None or not ConfirmForm().validate_on_submit():
        abort(400)
    if result.published_at is not None:
        result.published_at = None
        db.session.commit()
        forget_results(project)
    flash(_("The results are no longer published."), "success")
    return redirect(url_for("results.edit", slug=slug, phase_id=phase.id))
