"""Views: casting votes (``/voting``), the poll, its results and its builder (``/p/<slug>/poll``)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.toolkit import can, ConfirmForm, current_user, db, get_or_404, load_project, require, wants_fragment

from . import services
from .forms import PollForm, QuestionForm, parse_answers
from .models import Option, Poll, Question
from .services import POLL_ACTION, VOTE_ACTION
from .widgets import render_left, render_widgets
from .targets import votables

vote_bp = Blueprint("voting_vote", __name__, url_prefix="/voting")
bp = Blueprint("voting", __name__, url_prefix="/p/<slug>/poll")
rate_bp = Blueprint("voting_rate", __name__, url_prefix="/p/<slug>/rating")


def _same_site_path(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------------------
# Rating
# ---------------------------------------------------------------------------


@vote_bp.post("/vote/<item_type>/<int:item_id>")
def vote(item_type, item_id):
    """Set the current user's vote on an item: ``value`` 1 (support/up), -1 (down) or 0 (withdraw)."""
    votable = votables().get(item_type)
    if votable is None:
        abort(404)
    item = votable.load([item_id]).get(item_id)
    if item is None or not can(current_user, "project.view", item.project):
        abort(404)
    require(VOTE_ACTION, item)
    project = item.project
    phase = services.rating_context(project).phase
    mode = services.mode_of(phase)
    try:
        value = int(request.form.get("value", ""))
    except ValueError:
        abort(400)
    if value not in ((0, 1) if mode == "support" else (-1, 0, 1)):
        abort(400)
    title = votable.title_of(item)
    error = None
    status = 200
    try:
        services.set_vote(phase, item_type, item_id, current_user.id, value)
    except services.VoteLimitReached as exc:
        status = 409
        error = ngettext(
            "You have used your %(num)d vote. Withdraw it to vote for this.",
            "You have used all %(num)d votes. Withdraw one to vote for this.",
            exc.limit,
        )
    except IntegrityError:  # only after repeated collisions; nothing was stored
        status = 409
        error = _("Your vote could not be saved. Please try again.")
    if wants_fragment():
        widgets = render_widgets(votable, [item], current_user, error=error)
        body = widgets.get(item_id, Markup(""))
        if status == 200:
            body += render_left(phase, current_user)
            body += Markup(get_status_oob(_vote_message(mode, value, title)))
        response = make_response(body, status)
        response.vary.add("HX-Request")
        return response
    if error:
        flash(error, "error")
    else:
        flash(_vote_message(mode, value, title), "success")
    back = _same_site_path(request.form.get("next")) or _same_site_path(request.referrer)
    return redirect(back or url_for("projects.project", slug=project.slug))


def get_status_oob(message: str) -> str:
    from flask import get_template_attribute

    return get_template_attribute("voting/_widget.html", "status_oob")(message)


def _vote_message(mode: str, value: int, title: str) -> str:
    if value == 0:
        return _("Your vote on “%(title)s” has been withdrawn.", title=title) if mode == "updown" else _(
            "You no longer support “%(title)s”.", title=title
        )
    if mode == "updown":
        return _("You rated “%(title)s” up.", title=title) if value == 1 else _("You rated “%(title)s” down.", title=title)
    return _("You support “%(title)s”.", title=title)


@rate_bp.get("")
def rate(slug):
    """The rating phase's "Take part" link: the list of the first votable item type that has one."""
    project = load_project(slug)
    for votable in votables().values():
        if votable.endpoint:
            return redirect(url_for(votable.endpoint, slug=project.slug))
    # No plugin offers a list to rate: the project page explains the phase.
    return redirect(url_for("projects.project", slug=project.slug))


# ---------------------------------------------------------------------------
# Poll: answering and results
# ---------------------------------------------------------------------------


def _poll_or_404(project):
    poll = services.poll_of(project)
    if poll is None:
        abort(404)
    return poll


def results_visible(project) -> bool:
    """Initiators see results at any time; everyone else once the last poll phase has ended."""
    if can(current_user, "project.manage", project):
        return True
    return services.poll_context(project).state is services.PhaseState.ENDED


@bp.get("")
def poll(slug):
    project = load_project(slug)
    poll = services.poll_of(project)
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
        response_row, entered = services.own_answers(poll, current_user.id)
    elif current_user.is_authenticated:
        response_row, _own = services.own_answers(poll, current_user.id)
    return render_template(
        "voting/poll.html",
        project=project,
        poll=poll,
        decision=decision,
        ctx=services.poll_context(project),
        errors=errors or {},
        entered=entered or {},
        response=response_row,
        results_visible=results_visible(project),
        manage=bool(can(current_user, "project.manage", project)),
    ), status


@bp.post("")
def answer(slug):
    project = load_project(slug)
    poll = _poll_or_404(project)
    require(POLL_ACTION, project)
    answers, errors, entered = parse_answers(poll, request.form)
    if errors:
        return _render_poll(project, poll, errors=errors, entered=entered, status=400)
    try:
        services.save_response(poll, current_user.id, answers)
    except IntegrityError:
        db.session.rollback()
        flash(_("Your answers could not be saved. Please try again."), "error")
        return _render_poll(project, poll, errors={}, entered=entered, status=409)
    flash(_("Thank you! Your answers have been saved. You can change them until the poll ends."), "success")
    return redirect(url_for("voting.poll", slug=slug))


@bp.get("/results")
def results(slug):
    project = load_project(slug)
    poll = _poll_or_404(project)
    ctx = services.poll_context(project)
    manage = bool(can(current_user, "project.manage", project))
    if not results_visible(project):
        if ctx.phase is not None and ctx.state is not services.PhaseState.ENDED:
            abort(403, _("The results will be shown when the poll ends on %(when)s.", when=_moment(ctx.phase.end)))
        abort(403, _("The results are not public yet."))
    total, questions = services.poll_results(poll, with_texts=manage)
    return render_template(
        "voting/results.html", project=project, poll=poll, total=total, questions=questions, manage=manage, ctx=ctx
    )


def _moment(dt):
    from core.toolkit import format_moment

    return format_moment(dt)


# ---------------------------------------------------------------------------
# Poll builder (initiators)
# ---------------------------------------------------------------------------


def _managed(slug):
    project = load_project(slug)
    require("project.manage", project)
    return project


def _locked(poll) -> bool:
    """Questions are frozen once someone answered: changing them would falsify the answers."""
    return services.poll_has_answers(poll)


def _refuse_if_locked(slug, poll):
    if _locked(poll):
        flash(_("People have answered this poll already, so its questions can no longer be changed."), "error")
        return redirect(url_for("voting.manage", slug=slug))
    return None


@bp.route("/manage", methods=["GET", "POST"])
def manage(slug):
    project = _managed(slug)
    poll = services.poll_of(project)
    form = PollForm(obj=poll)
    if form.validate_on_submit():
        if poll is None:
            poll = Poll(project_id=project.id, title=form.title.data.strip(), intro=form.intro.data or "")
            db.session.add(poll)
            try:
                db.session.commit()
            except IntegrityError:  # created by a second click at the same moment
                db.session.rollback()
                return redirect(url_for("voting.manage", slug=slug))
            flash(_("The poll has been created. Now add questions."), "success")
        else:
            poll.title = form.title.data.strip()
            poll.intro = form.intro.data or ""
            db.session.commit()
            flash(_("The poll has been saved."), "success")
        return redirect(url_for("voting.manage", slug=slug))
    locked = poll is not None and _locked(poll)
    has_poll_phase = bool(services.phases_with(project, POLL_ACTION))
    return render_template(
        "voting/manage.html", project=project, poll=poll, form=form, locked=locked, confirm=ConfirmForm(),
        has_poll_phase=has_poll_phase,
    ), 400 if form.errors else 200


def _fill_question(question: Question, form: QuestionForm) -> None:
    question.text = form.text.data.strip()
    question.help = (form.help.data or "").strip()
    question.kind = form.kind.data
    question.required = bool(form.required.data)
    question.min_choices = (form.min_choices.data or 0) if form.kind.data == Question.MULTIPLE else 0
    question.max_choices = (form.max_choices.data or 0) if form.kind.data == Question.MULTIPLE else 0
    question.max_length = form.max_length.data or 2000
    lines = form.option_lines() if question.has_options else []
    # Keep the rows of options whose position is unchanged, so ids stay stable when only wording changes.
    existing = list(question.options)
    for position, text in enumerate(lines):
        if position < len(existing):
            existing[position].text = text
            existing[position].position = position
        else:
            question.options.append(Option(text=text, position=position))
    for option in existing[len(lines):]:
        question.options.remove(option)


@bp.route("/questions/new", methods=["GET", "POST"])
def question_new(slug):
    project = _managed(slug)
    poll = _poll_or_404(project)
    if refused := _refuse_if_locked(slug, poll):
        return refused
    form = QuestionForm()
    if form.validate_on_submit():
        question = Question(poll=poll, position=max((q.position for q in poll.questions), default=-1) + 1)
        _fill_question(question, form)
        db.session.add(question)
        db.session.commit()
        flash(_("The question has been added."), "success")
        return redirect(url_for("voting.manage", slug=slug) + "#questions")
    return render_template("voting/question_form.html", project=project, poll=poll, form=form, question=None), (
        400 if form.errors else 200
    )


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
def question_edit(slug, question_id):
    project = _managed(slug)
    poll = _poll_or_404(project)
    question = get_or_404(Question, question_id)
    if question.poll_id != poll.id:
        abort(404)
    if refused := _refuse_if_locked(slug, poll):
        return refused
    if request.method == "GET":
        form = QuestionForm(obj=question)
        form.options.data = "\n".join(o.text for o in question.options)
    else:
        # Only what was sent: with obj=, a field left out would keep the model's value, and the model's
        # ``options`` are rows, not the form's text (a post without ``options`` crashed on them).
        form = QuestionForm()
    if form.validate_on_submit():
        _fill_question(question, form)
        db.session.commit()
        flash(_("The question has been saved."), "success")
        return redirect(url_for("voting.manage", slug=slug) + f"#question-{question.id}")
    return render_template("voting/question_form.html", project=project, poll=poll, form=form, question=question), (
        400 if form.errors else 200
    )


@bp.post("/questions/<int:question_id>/delete")
def question_delete(slug, question_id):
    project = _managed(slug)
    poll = _poll_or_404(project)
    question = get_or_404(Question, question_id)
    if question.poll_id != poll.id or not ConfirmForm().validate_on_submit():
        abort(404 if question.poll_id != poll.id else 400)
    if refused := _refuse_if_locked(slug, poll):
        return refused
    db.session.delete(question)
    db.session.commit()
    flash(_("The question has been deleted."), "success")
    return redirect(url_for("voting.manage", slug=slug) + "#questions")


@bp.post("/questions/<int:question_id>/move/<direction>")
def question_move(slug, question_id, direction):
    project = _managed(slug)
    poll = _poll_or_404(project)
    question = get_or_404(Question, question_id)
    if question.poll_id != poll.id:
        abort(404)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    if refused := _refuse_if_locked(slug, poll):
        return refused
    questions = list(poll.questions)
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
        for position, entry in enumerate(questions):
            entry.position = position
        db.session.commit()
    return redirect(url_for("voting.manage", slug=slug) + f"#question-{question.id}")


@bp.post("/delete")
def poll_delete(slug):
    project = _managed(slug)
    poll = _poll_or_404(project)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(poll)
    db.session.commit()
    flash(_("The poll and all its answers have been deleted."), "success")
    return redirect(url_for("projects.project", slug=slug))


def count_responses(poll) -> int:
    from sqlalchemy import func

    from .models import Response

    return db.session.scalar(select(func.count(Response.id)).where(Response.poll_id == poll.id)) or 0


@bp.app_template_filter("voting_paragraphs")
def _paragraphs(text):
    from core.toolkit import text_to_html

    return text_to_html(text)


@bp.app_template_filter("voting_percent")
def _percent(value):
    from flask_babel import format_percent

    return format_percent((value or 0) / 100, format="#,##0.0%")
