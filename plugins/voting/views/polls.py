"""The poll of a project (``/p/<slug>/poll``): answering it and its results. The builder is :mod:`.poll_builder`."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent, gettext as _
from sqlalchemy.exc import IntegrityError

from core.toolkit import can, current_user, db, format_moment, load_project, PhaseState, require, text_to_html

from ..forms import parse_answers
from ..services import POLL_ACTION, phase_context, polls

bp = Blueprint("voting", __name__, url_prefix="/p/<slug>/poll")


@bp.app_template_filter("voting_paragraphs")
def paragraphs_filter(text):
    """A poll's or question's plain-text introduction as safe HTML paragraphs with links."""
    return text_to_html(text)


@bp.app_template_filter("voting_percent")
def percent_filter(value):
    """A share from 0 to 100 in the reader's language: 42.5 % / 42,5 %."""
    return format_percent((value or 0) / 100, format="#,##0.0%")


def poll_or_404(project):
    """The project's poll, or 404."""
    poll = polls.poll_of(project)
    if poll is None:
        abort(404)
    return poll


def results_visible(project) -> bool:
    """Initiators see results at any time; everyone else once the last poll phase has ended."""
    if can(current_user, "project.manage", project):
        return True
    return phase_context(project, POLL_ACTION).state is PhaseState.ENDED


@bp.get("")
def poll(slug):
    project = load_project(slug)
    poll = polls.poll_of(project)
    manage = bool(can(current_user, "project.manage", project))
    if poll is None:
        if manage:
            return redirect(url_for("voting.manage", slug=slug))
        return render_template("voting/no_poll.html", project=project)
    return _render_poll(project, poll)


def _render_poll(project, poll, *, errors=None, entered=None, status=200):
    decision = can(current_user, POLL_ACTION, project)
    response_row = None
    if current_user.is_authenticated and entered is None:
        response_row, entered = polls.own_answers(poll, current_user.id)
    elif current_user.is_authenticated:
        response_row, _own = polls.own_answers(poll, current_user.id)
    return render_template(
        "voting/poll.html",
        project=project,
        poll=poll,
        decision=decision,
        ctx=phase_context(project, POLL_ACTION),
        errors=errors or {},
        entered=entered or {},
        response=response_row,
        results_visible=results_visible(project),
        manage=bool(can(current_user, "project.manage", project)),
    ), status


@bp.post("")
def answer(slug):
    project = load_project(slug)
    poll = poll_or_404(project)
    require(POLL_ACTION, project)
    answers, errors, entered = parse_answers(poll, request.form)
    if errors:
        return _render_poll(project, poll, errors=errors, entered=entered, status=400)
    try:
        polls.save_response(poll, current_user.id, answers)
    except IntegrityError:
        db.session.rollback()
        flash(_("Your answers could not be saved. Please try again."), "error")
        return _render_poll(project, poll, errors={}, entered=entered, status=409)
    flash(_("Thank you! Your answers have been saved. You can change them until the poll ends."), "success")
    return redirect(url_for("voting.poll", slug=slug))


@bp.get("/results")
def results(slug):
    project = load_project(slug)
    poll = poll_or_404(project)
    ctx = phase_context(project, POLL_ACTION)
    manage = bool(can(current_user, "project.manage", project))
    if not results_visible(project):
        if ctx.phase is not None and ctx.state is not PhaseState.ENDED:
            abort(403, _("The results will be shown when the poll ends on %(when)s.", when=format_moment(ctx.phase.end)))
        abort(403, _("The results are not public yet."))
    total, questions = polls.poll_results(poll, with_texts=manage)
    return render_template(
        "voting/results.html", project=project, poll=poll, total=total, questions=questions, manage=manage, ctx=ctx
    )
