"""A tiny plugin used by the core's tests: a ``notes`` phase kind in which users post notes.

It exercises every core hook the way a real plugin would, without depending on
any built-in plugin.
"""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core import hookimpl
from core.extensions import db
from core.registry import ExportColumn, Exporter, ManageLink, NavItem, PhaseKind, PhaseSetting, ProjectTab, SortOption
from core.toolkit import Contribution, Project, current_user, follow, load_project, require

PLUGIN_NAME = "notes"


class Note(db.Model):
    __tablename__ = "notes_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    text: Mapped[str] = mapped_column(String(200))


bp = Blueprint("notes", __name__, url_prefix="/p/<slug>/notes")


all_bp = Blueprint("notes_all", __name__, url_prefix="/notes")


@all_bp.get("")
def everything():
    return f"{db.session.scalar(db.select(db.func.count(Note.id)))} notes"


@bp.get("")
def index(slug):
    project = load_project(slug)
    notes = db.session.scalars(db.select(Note).where(Note.project_id == project.id)).all()
    decision = require("project.view", project)
    return "<ul>" + "".join(f"<li>{escape(n.text)}</li>" for n in notes) + f"</ul>{bool(decision)}"


@bp.post("")
def create(slug):
    project = load_project(slug)
    require("note.create", project)
    db.session.add(Note(project_id=project.id, author_id=current_user.id, text=request.form["text"]))
    follow(current_user, project)
    db.session.commit()
    return redirect(url_for("notes.index", slug=slug))


@hookimpl
def register_models():
    return [Note]


@hookimpl
def register_phase_kinds(register):
    register(PhaseKind("notes", label="Notes", features={"note.create"}, endpoint="notes.index",
                       settings=(PhaseSetting("max_notes", "Maximum notes", default=3),)))
    register(PhaseKind("review", label="Review notes", features={"note.review"}))


@hookimpl
def register_blueprints():
    return [bp, all_bp]


@hookimpl
def register_nav_items(register):
    register(NavItem("All notes", "notes_all.everything"))


@hookimpl
def project_tabs(project):
    return [ProjectTab("notes", "Notes", "notes.index")]


@hookimpl
def manage_links(project):
    return [ManageLink("Notes settings", "notes.index", description="Limits and wording")]


@hookimpl
def check_permission(user, action, obj, project):
    # Veto example: nobody called "Mallory" may post notes.
    if action == "note.create" and getattr(user, "display_name", "") == "Mallory":
        return False
    return None


@hookimpl
def item_fragments(item_type, items, user):
    if item_type != "note":
        return None
    return {item.id: Markup(f"<span class='note-fragment'>fragment {item.id}</span>") for item in items}


@hookimpl
def item_sort_options(item_type, project):
    if item_type != "note":
        return []
    return [SortOption("longest", "Longest", lambda id_column: db.func.length(Note.text))]


@hookimpl
def register_exporters(register):
    def rows(project):
        for note in db.session.scalars(db.select(Note).where(Note.project_id == project.id).order_by(Note.id)):
            yield [note.id, note.text]

    register(Exporter("notes", "Notes", headers=lambda project: ["id", "text"], rows=rows))


@hookimpl
def export_columns(export_key, project):
    if export_key != "notes":
        return []
    return [ExportColumn("length", {n.id: len(n.text) for n in db.session.scalars(db.select(Note))})]


@hookimpl
def register_commands(cli):
    import click

    @cli.command("notes-hello")
    def hello():
        """Say hello from the notes plugin."""
        click.echo("hello from notes")


@hookimpl
def seed_demo(demo):
    project = demo.project("notes-demo", "Notes demo")
    demo.phase(project, "notes", "Write notes", demo.days(-1), demo.days(5))


@hookimpl
def template_context():
    return {"notes_greeting": "Hello"}


@hookimpl
def add_hookspecs(plugin_manager):
    return None


@hookimpl
def user_contributions(user):
    notes = db.session.scalars(db.select(Note).where(Note.author_id == user.id).order_by(Note.id))
    # Notes store no time: a contribution without one is listed too.
    return [Contribution("note", "Note", db.session.get(Project, note.project_id), note.text, None,
                         url=url_for("notes.index", slug=db.session.get(Project, note.project_id).slug),
                         data={"id": note.id, "text": note.text})
            for note in notes]


@hookimpl
def delete_user_data(user, mode):
    if mode == "remove":
        db.session.execute(db.delete(Note).where(Note.author_id == user.id))
