"""A tiny commentable for the comments tests: notes shown on a page, discussed in a "discussion" phase."""
from __future__ import annotations

from flask import Blueprint, render_template_string, url_for
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import hookimpl
from core.extensions import db
from core.models import Project
from core.registry import PhaseKind
from core.toolkit import abort, load_project

PLUGIN_NAME = "cnotes"


class CNote(db.Model):
    __tablename__ = "cnotes_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    project: Mapped[Project] = relationship()


bp = Blueprint("cnotes", __name__, url_prefix="/p/<slug>/cnotes")

PAGE = """{% extends "layout.html" %}{% block content %}<h1>{{ note.title }}</h1>
<article id="note-{{ note.id }}"><p>{{ note.title }}</p></article>
{{ thread }}{% endblock %}"""


@bp.get("/<int:note_id>")
def show(slug, note_id):
    from plugins.comments.api import thread_html

    project = load_project(slug)
    note = db.session.get(CNote, note_id)
    if note is None or note.project_id != project.id:
        abort(404)
    return render_template_string(PAGE, note=note, thread=thread_html("note", note.id, project))


def load_notes(ids):
    return {n.id: n for n in db.session.scalars(db.select(CNote).where(CNote.id.in_(ids)))}


@hookimpl
def register_models():
    return [CNote]


@hookimpl
def register_blueprints():
    return [bp]


@hookimpl
def register_phase_kinds(register):
    register(PhaseKind("discussion", label="Discussion", features={"comment.create", "comment.rate"}))


@hookimpl
def register_commentables(register):
    from plugins.comments.api import Commentable

    register(Commentable(
        "note", "Note", load=load_notes,
        url=lambda note: url_for("cnotes.show", slug=note.project.slug, note_id=note.id, _anchor=f"note-{note.id}"),
    ))
