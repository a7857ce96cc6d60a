"""The poll builder (``/p/<slug>/poll/manage``): initiators write the title, introduction and questions.

Once anybody answered, the questions are frozen: changing them would falsify the answers.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.toolkit import ConfirmForm, db, get_or_404, load_project, reorder, require

from ..forms import PollForm, QuestionForm
from ..models import Option, Poll, Question
from ..services import POLL_ACTION, phases_with, polls
from .polls import bp, poll_or_404


def _managed(slug):
    project = load_project(slug)
    require("project.manage", project)
    return project


def _locked(poll) -> bool:
    """Questions are frozen once someone answered: changing them would falsify the answers."""
    return polls.poll_has_answers(poll)


def _refuse_if_locked(slug, poll):
    if _locked(poll):
        flash(_("People have answered this poll already, so its questions can no longer be changed."), "error")
        return redirect(url_for("voting.manage", slug=slug))
    return None


@bp.route("/manage", methods=["GET", "POST"])
def manage(slug):
    project = _managed(slug)
    poll = polls.poll_of(project)
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
    has_poll_phase = bool(phases_with(project, POLL_ACTION))
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
    poll = poll_or_404(project)
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
    poll = poll_or_404(project)
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
    poll = poll_or_404(project)
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
    poll = poll_or_404(project)
    question = get_or_404(Question, question_id)
    if question.poll_id != poll.id:
        abort(404)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    if refused := _refuse_if_locked(slug, poll):
        return refused
    if reorder(list(poll.questions), question, direction):
        db.session.commit()
    return redirect(url_for("voting.manage", slug=slug) + f"#question-{question.id}")


@bp.post("/delete")
def poll_delete(slug):
    project = _managed(slug)
    poll = poll_or_404(project)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(poll)
    db.session.commit()
    flash(_("The poll and all its answers have been deleted."), "success")
    return redirect(url_for("projects.project", slug=slug))
