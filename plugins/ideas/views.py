"""Pages of the ideas plugin: list, idea page, submit/edit/withdraw, moderation and categories."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.toolkit import (
    can, ConfirmForm, current_user, db, follow, get_or_404, known_phases, load_project, MAX_PAGE, now, parse_int,
    posting_limit, render_page_or_fragment, require, wants_fragment,
)

from plugins.comments import api as comments
from . import notifications
from .forms import CategoryDeleteForm, CategoryForm, HideForm, IdeaForm
from .models import REVIEW_STATUSES, Category, Idea
from .services import categories_of, is_moderator, list_ideas, review_status_param, sort_options, statuses_in_use

bp = Blueprint("ideas", __name__, url_prefix="/p/<slug>/ideas")


# ---------------------------------------------------------------------------
# List and idea page
# ---------------------------------------------------------------------------


@bp.get("")
def index(slug):
    project = load_project(slug)
    categories = categories_of(project)
    sorts = sort_options(project)
    category = parse_int(request.args.get("category"))
    if category is not None and category not in {c.id for c in categories}:
        category = None
    listing = list_ideas(
        project, current_user,
        category=category,
        sort=request.args.get("sort", ""),
        q=request.args.get("q", "").strip()[:200],
        page=parse_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1,
        sorts=sorts,
        status=review_status_param(request.args.get("status")),
    )
    decision = can(current_user, "idea.create", project)
    ideas_ended_at = None
    if not decision and decision.code == "ended":
        # In a project with other phases (e.g. voting on these ideas), "Participation ended" would mislead.
        phases = known_phases(project)
        if any(p.kind != "ideas" for p in phases):
            ideas_ended_at = max((p.end for p in phases if p.kind == "ideas"), default=None)
    return render_page_or_fragment(
        "ideas/index.html", "ideas/_list.html",
        project=project, categories=categories, sorts=sorts, listing=listing,
        decision=decision, ideas_ended_at=ideas_ended_at, as_fragment=wants_fragment(),
        statuses=REVIEW_STATUSES if listing.status or statuses_in_use(project) else (),
        can_manage=bool(can(current_user, "project.manage", project)),
    )


def _show(project, idea, hide_form=None, status=200):
    counts = comments.comment_counts("idea", [idea.id])
    moderator = is_moderator(current_user, project)
    own = current_user.is_authenticated and idea.author_id == current_user.id
    return render_template(
        "ideas/show.html",
        project=project, idea=idea, comment_count=counts.get(idea.id, 0),
        show_content=not idea.is_hidden or moderator or own, moderator=moderator,
        hide_form=hide_form or HideForm(), confirm=ConfirmForm(),
        can_edit=bool(can(current_user, "idea.edit", idea)),
        # Others' comments are their contributions: an idea with a discussion stays (moderators can hide it).
        can_withdraw=not counts.get(idea.id, 0),
        decision=can(current_user, "idea.create", project),
        thread=comments.thread_html("idea", idea.id, idea.project) if not idea.is_hidden else Markup(""),
    ), status


@bp.get("/<int:idea_id>")
def show(slug, idea_id):
    project = load_project(slug)
    idea = get_or_404(Idea, idea_id, project)
    return _show(project, idea)


# ---------------------------------------------------------------------------
# Submit, edit, withdraw
# ---------------------------------------------------------------------------


def _find_by_token(token: str | None) -> Idea | None:
    if not token:
        return None
    return db.session.scalar(select(Idea).where(Idea.author_id == current_user.id, Idea.token == token))


@bp.route("/new", methods=["GET", "POST"])
@posting_limit("IDEA_RATE_LIMIT")
def new(slug):
    project = load_project(slug)
    require("idea.create", project)
    form = IdeaForm().setup(categories_of(project), new=True)
    if form.validate_on_submit():
        token = form.token.data or None
        existing = _find_by_token(token)
        if existing is not None:  # the same form sent twice: show what the first one stored
            return redirect(url_for("ideas.show", slug=slug, idea_id=existing.id))
        idea = Idea(project_id=project.id, author_id=current_user.id, token=token, created_at=now())
        idea.set_content(form.title.data, form.description.data, form.location.data or "")
        if "category" in form:
            idea.category_id = int(form.category.data)
        db.session.add(idea)
        follow(current_user, project)
        try:
            db.session.commit()
        except IntegrityError:  # the twin request won the race
            db.session.rollback()
            existing = _find_by_token(token)
            if existing is None:
                raise
            return redirect(url_for("ideas.show", slug=slug, idea_id=existing.id))
        flash(_("Thank you! Your idea has been published."), "success")
        return redirect(url_for("ideas.show", slug=slug, idea_id=idea.id))
    return render_template("ideas/form.html", project=project, form=form, idea=None), 400 if form.errors else 200


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
def edit(slug, idea_id):
    project = load_project(slug)
    idea = get_or_404(Idea, idea_id, project)
    require("idea.edit", idea)
    form = IdeaForm().setup(categories_of(project), new=False)
    if request.method == "GET":
        form.title.data = idea.title
        form.description.data = idea.description_text
        form.location.data = idea.location
        if "category" in form:
            form.category.data = str(idea.category_id or "")
    if form.validate_on_submit():
        idea.set_content(form.title.data, form.description.data, form.location.data or "")
        if "category" in form:
            idea.category_id = int(form.category.data)
        idea.updated_at = now()
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("ideas.show", slug=slug, idea_id=idea.id))
    return render_template("ideas/form.html", project=project, form=form, idea=idea), 400 if form.errors else 200


@bp.post("/<int:idea_id>/delete")
def delete(slug, idea_id):
    project = load_project(slug)
    idea = get_or_404(Idea, idea_id, project)
    require("idea.delete", idea)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("ideas.show", slug=slug, idea_id=idea.id))
    if comments.comment_counts("idea", [idea.id]).get(idea.id, 0):
        # Others' comments are their contributions: keep them reachable.
        flash(_("Others have discussed this idea, so it cannot be withdrawn any more. "
                "You can still edit it, or ask the moderators to hide it."), "error")
        return redirect(url_for("ideas.show", slug=slug, idea_id=idea.id))
    comments.delete_comments("idea", idea.id)  # placeholders of deleted comments, if any
    db.session.delete(idea)
    db.session.commit()
    flash(_("Your idea has been withdrawn."), "success")
    return redirect(url_for("ideas.index", slug=slug))


# ---------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------


@bp.post("/<int:idea_id>/hide")
def hide(slug, idea_id):
    project = load_project(slug)
    idea = get_or_404(Idea, idea_id, project)
    require("project.moderate", project)
    form = HideForm()
    if not form.validate_on_submit():
        return _show(project, idea, hide_form=form, status=400)
    idea.hidden_at = now()
    idea.hidden_by_id = current_user.id
    idea.hidden_reason = form.reason.data
    notifications.idea_moderated(idea, current_user, "hide")
    db.session.commit()
    flash(_("The idea has been hidden."), "success")
    return redirect(url_for("ideas.show", slug=slug, idea_id=idea.id))


@bp.post("/<int:idea_id>/restore")
def restore(slug, idea_id):
    project = load_project(slug)
    idea = get_or_404(Idea, idea_id, project)
    require("project.moderate", project)
    if ConfirmForm().validate_on_submit() and idea.is_hidden:
        idea.hidden_at = None
        idea.restored_at = now()
        idea.restored_by_id = current_user.id
        notifications.idea_moderated(idea, current_user, "restore")
        db.session.commit()
        flash(_("The idea is visible again."), "success")
    return redirect(url_for("ideas.show", slug=slug, idea_id=idea.id))


# ---------------------------------------------------------------------------
# Categories (initiators)
# ---------------------------------------------------------------------------


def _managed(slug):
    project = load_project(slug)
    require("project.manage", project)
    return project


def _name_taken(project, name: str, except_id: int | None = None) -> bool:
    folded = name.casefold()
    return any(c.name.casefold() == folded and c.id != except_id for c in categories_of(project))


@bp.route("/categories", methods=["GET", "POST"])
def categories(slug):
    project = _managed(slug)
    form = CategoryForm()
    if form.validate_on_submit():
        if _name_taken(project, form.name.data):
            form.name.errors.append(_("A category with this name exists already."))
        else:
            position = db.session.scalar(
                select(func.coalesce(func.max(Category.position), -1)).where(Category.project_id == project.id)
            )
            db.session.add(Category(project_id=project.id, name=form.name.data, position=position + 1))
            db.session.commit()
            flash(_("The category \"%(name)s\" has been added.", name=form.name.data), "success")
            return redirect(url_for("ideas.categories", slug=slug))
    cats = categories_of(project)
    counts = dict(
        db.session.execute(
            select(Idea.category_id, func.count(Idea.id)).where(Idea.project_id == project.id).group_by(Idea.category_id)
        ).all()
    )
    return render_template(
        "ideas/categories.html", project=project, form=form, categories=cats,
        counts=counts, delete_form=CategoryDeleteForm(), confirm=ConfirmForm(),
    ), 400 if form.errors else 200


@bp.post("/categories/<int:category_id>")
def category_rename(slug, category_id):
    project = _managed(slug)
    category = get_or_404(Category, category_id, project)
    form = CategoryForm()
    if not form.validate_on_submit():
        flash(_("Please enter a name of at most 80 characters."), "error")
    elif _name_taken(project, form.name.data, except_id=category.id):
        flash(_("A category with this name exists already."), "error")
    else:
        category.name = form.name.data
        db.session.commit()
        flash(_("The category has been renamed."), "success")
    return redirect(url_for("ideas.categories", slug=slug))


@bp.post("/categories/<int:category_id>/delete")
def category_delete(slug, category_id):
    project = _managed(slug)
    category = get_or_404(Category, category_id, project)
    form = CategoryDeleteForm()
    if not form.validate_on_submit():
        return redirect(url_for("ideas.categories", slug=slug))
    used = db.session.scalar(select(func.count(Idea.id)).where(Idea.category_id == category.id)) or 0
    if used:
        target_id = parse_int(form.move_to.data)
        target = db.session.get(Category, target_id) if target_id is not None else None
        if target is None or target.project_id != project.id or target.id == category.id:
            flash(_("\"%(name)s\" still has ideas. Choose a category to move them to first.", name=category.name), "error")
            return redirect(url_for("ideas.categories", slug=slug))
        db.session.execute(update(Idea).where(Idea.category_id == category.id).values(category_id=target.id))
        flash(ngettext("%(num)d idea moved to \"%(name)s\".", "%(num)d ideas moved to \"%(name)s\".", used,
                       name=target.name), "success")
    db.session.delete(category)
    db.session.commit()
    flash(_("The category \"%(name)s\" has been deleted.", name=category.name), "success")
    return redirect(url_for("ideas.categories", slug=slug))
