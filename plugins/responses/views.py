"""Writing, editing and deleting an official response: a full page without JavaScript, in place with htmx.

``/p/<slug>/responses/<item_type>/<item_id>`` shows the form (GET) and stores
the response (POST); ``…/delete`` removes it. Every write asks the core's
``project.respond`` (editors, initiators, site admins) on the server.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request

from core.toolkit import (
    _, ConfirmForm, current_user, db, is_htmx, load_project, render_page_or_fragment, require, safe_next,
    wants_fragment,
)

from .display import render_block
from .forms import ResponseForm
from .items import resolve
from .services import delete_response, response_for, save_response

bp = Blueprint("responses", __name__, url_prefix="/p/<slug>/responses")


def _target(slug, item_type, item_id):
    project = load_project(slug)
    kind, item = resolve(item_type, item_id, project)
    require("project.respond", project)
    return project, kind, item


def _back(kind, item, form=None) -> str:
    sent = form.next.data if form is not None and form.next.data else None
    return safe_next(sent or request.args.get("next"), kind.url(item))


@bp.route("/<item_type>/<int:item_id>", methods=["GET", "POST"])
def edit(slug, item_type, item_id):
    project, kind, item = _target(slug, item_type, item_id)
    response = response_for(kind.type, item.id)
    form = ResponseForm(prefix="response").setup(kind)
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
        if response is not None:
            form.text.data = response.text_html
        if "status" in form:
            form.status.data = kind.status_of(item) or ""
    if form.validate_on_submit():
        status = form.status.data if "status" in form else None
        save_response(kind, item, form.text.data, current_user, status=status)
        db.session.commit()
        if is_htmx():
            return render_block(kind, item, status_message=_("The official response has been published."))
        flash(_("The official response has been published."), "success")
        return redirect(_back(kind, item, form))
    return render_page_or_fragment(
        "responses/form_page.html", "responses/_form.html", project=project, kind=kind, item=item, form=form,
        response=response, title=kind.title_of(item), back=_back(kind, item, form), as_fragment=wants_fragment(),
        status=400 if form.errors else 200,
    )


@bp.get("/<item_type>/<int:item_id>/show")
def show(slug, item_type, item_id):
    """The response block alone: where htmx's "Cancel" returns to."""
    _project, kind, item = _target(slug, item_type, item_id)
    return render_block(kind, item)


@bp.post("/<item_type>/<int:item_id>/delete")
def delete(slug, item_type, item_id):
    _project, kind, item = _target(slug, item_type, item_id)
    if ConfirmForm().validate_on_submit() and delete_response(kind, item):
        db.session.commit()
        message = _("The official response has been deleted.")
        if is_htmx():
            return render_block(kind, item, status_message=message)
        flash(message, "success")
    return redirect(safe_next(request.form.get("next"), kind.url(item)))
