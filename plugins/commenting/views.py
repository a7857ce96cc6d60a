"""Reading, commenting and editing documents: ``/p/<slug>/documents/…``.

Reading pages run a fixed number of SQL queries however long a chapter is:
paragraphs, ids and comment counts are each loaded with one query.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from core.toolkit import (
    active_phase_for, anonymous_page, cache_versions, cached_fragment, cached_value, can, current_user, db,
    get_or_404, header_scope, load_project, participation_decision, project_scope, reader_key,
    render_page, render_page_or_fragment, reorder, require, wants_fragment,
)

from plugins.comments import api as comments

from . import KIND, services, stats
from .items import CHAPTER, PARAGRAPH
from .forms import ChapterForm, DeleteForm, DocumentForm, ImportForm, ParagraphForm
from .importer import MarkdownImportError
from .markup import html_to_markdown, markdown_to_html
from .models import Chapter, Document, Paragraph, chapter_path

bp = Blueprint("commenting", __name__, url_prefix="/p/<slug>/documents")

ACTION = "comment.create"


def _managed(slug):
    project = load_project(slug)
    require("project.manage", project)
    return project


def _participation(project):
    """What the reading pages say about taking part: the phase decision and the user's own.

    Only ``commenting`` phases count: the project's idea phase also grants comment.create,
    but not on the draft (see ``check_permission`` in ``__init__.py``).
    """
    phase_decision = participation_decision(ACTION, project, kinds={KIND})
    return {
        "phase_decision": phase_decision,
        "user_decision": can(current_user, ACTION, project) if phase_decision else phase_decision,
        "active_phase": active_phase_for(project, ACTION, kinds={KIND}),
        "may_manage": bool(can(current_user, "project.manage", project)),
    }


def heat_levels(counts: dict[int, int], ids) -> dict[int, int]:
    """0 (no comments) to 4 (as discussed as the most discussed one), relative to the maximum."""
    most = max((counts.get(i, 0) for i in ids), default=0)
    levels = {}
    for i in ids:
        n = counts.get(i, 0)
        levels[i] = 0 if n == 0 else max(1, -(-4 * n // most))
    return levels


# --- reading ------------------------------------------------------------------


@bp.get("")
def index(slug):
    project = load_project(slug)
    documents = services.documents_of(project)
    chapters = db.session.scalars(
        db.select(Chapter).where(Chapter.project_id == project.id).order_by(Chapter.position, Chapter.id)
    ).all()
    by_document: dict[int, list[Chapter]] = {}
    for chapter in chapters:
        by_document.setdefault(chapter.document_id, []).append(chapter)
    totals = _chapter_totals([c.id for c in chapters])
    doc_totals = {d.id: sum(totals.get(c.id, 0) for c in by_document.get(d.id, [])) for d in documents}
    return render_template(
        "commenting/index.html", project=project, documents=documents, by_document=by_document, doc_totals=doc_totals,
        import_form=ImportForm(), **_participation(project),
    )


def _chapter_totals(chapter_ids, paragraph_counts: dict | None = None) -> dict[int, int]:
    """Comments per chapter (on the chapter itself and its paragraphs), in three queries.

    Pass a dict as ``paragraph_counts`` to receive the per-paragraph counts too.
    """
    by_chapter = services.paragraph_ids_by_chapter(chapter_ids)
    counts = comments.comment_counts(PARAGRAPH, [p for ids in by_chapter.values() for p in ids])
    if paragraph_counts is not None:
        paragraph_counts.update(counts)
    chapter_counts = comments.comment_counts(CHAPTER, chapter_ids)
    return {cid: chapter_counts.get(cid, 0) + sum(counts.get(p, 0) for p in ids) for cid, ids in by_chapter.items()}


@bp.get("/<int:document_id>")
def document(slug, document_id):
    project = load_project(slug)
    doc = get_or_404(Document, document_id, project)
    chapters = services.chapters_of(doc)
    by_chapter = services.paragraph_ids_by_chapter([c.id for c in chapters])
    totals = _chapter_totals([c.id for c in chapters])
    return render_template(
        "commenting/document.html", project=project, document=doc, chapters=chapters, by_chapter=by_chapter,
        totals=totals, **_participation(project),
    )


@bp.get("/<int:document_id>/full")
def full_text(slug, document_id):
    """The whole draft on one page, numbered like the chapter pages; ``?with=comments`` adds every discussion.

    The text alone is the same for every reader, so it is rendered once per content
    version (core.cache). With the discussions each plugin decides per reader what
    it prints (``item_print_sections``), so that body is rendered per request for
    logged-in readers (a fixed number of queries) and cached whole for anonymous ones.
    """
    from .fulltext import WITH_COMMENTS, whole_text

    project = load_project(slug)
    doc = get_or_404(Document, document_id, project)
    with_comments = request.args.get("with") == WITH_COMMENTS
    participation = _participation(project)
    decision = participation["phase_decision"]
    key = ("commenting.full", doc.id, with_comments)

    def body():
        return render_template("commenting/_full_body.html", project=project, text=whole_text(doc),
                               with_comments=with_comments)

    def page():
        return render_template(
            "commenting/full.html", project=project, document=doc, with_comments=with_comments,
            body=Markup(body()) if with_comments else cached_fragment(key, project, body), **participation,
        )

    return anonymous_page(key + (bool(participation["active_phase"]), decision.code, str(decision.reason)), project, page)


@bp.get("/chapter/<int:chapter_id>")
def chapter(slug, chapter_id):
    """The whole chapter with each paragraph's comment count and the chapter's own discussion.

    Everything below the site header is the same for every reader with the same
    rights in the same situation (phase open or not, their own participation
    decision, their roles, the project's tabs), so it is rendered once per
    version of what it shows and served from the fragment cache (core.cache),
    as is the page title; per request only the site header (name, unread
    count, CSRF token) is rendered. The paragraphs and the contents are cached
    on their own as well, so a comment elsewhere in the document re-renders
    the page around them, not the paragraphs. Pages with edit forms (CSRF
    tokens) are never stored, only their paragraphs when they hold no form.
    Served from the cache, the page costs a fixed number of queries and never
    loads the document, the other chapters or the paragraphs.
    """
    project = load_project(slug)
    current = get_or_404(Chapter, chapter_id, project)
    participation = _participation(project)
    loaded: dict = {}

    def chapters() -> dict:
        if not loaded:
            doc = current.document
            siblings = services.chapters_of(doc)
            index = siblings.index(current)
            loaded.update(document=doc, chapters=siblings, number=index + 1,
                          part=services.part_of(siblings, current),
                          previous=siblings[index - 1] if index > 0 else None,
                          next=siblings[index + 1] if index + 1 < len(siblings) else None)
        return loaded

    def data() -> dict:
        if "paragraphs" not in loaded:
            paragraphs = services.paragraphs_of(current)
            counts: dict[int, int] = {}
            totals = _chapter_totals([c.id for c in chapters()["chapters"]], counts)
            loaded.update(paragraphs=paragraphs, counts=counts, totals=totals,
                          levels=heat_levels(counts, [p.id for p in paragraphs]))
        return loaded

    common = dict(project=project, chapter=current, **participation)
    # The notice changes with the clock, not the data ("ended on …", "now the phase … is open"): part of the key.
    decision = participation["phase_decision"]
    key = ("commenting.chapter", current.id, bool(participation["active_phase"]), participation["may_manage"],
           decision.code, str(decision.reason))
    # The body shows this chapter (its paragraphs' counts), the contents and the rest every chapter of the document.
    body_scope = project_scope(project.id, chapter_path(current.document_id, current.id))
    contents_scope = project_scope(project.id, f"commenting.document:{current.document_id}")
    cache_versions(project, [body_scope, contents_scope])  # one query for the page and all its fragments

    def main() -> str:
        body = cached_fragment(key + ("body",), project, scopes=[body_scope],
                               render=lambda: render_template("commenting/_chapter_body.html", **common, **data()))
        contents = cached_fragment(key + ("toc",), project, scopes=[contents_scope],
                                   render=lambda: render_template("commenting/_chapter_toc.html", **common, **data()))
        return render_template(
            "commenting/_chapter_main.html", body=body, contents=contents,
            # The chapter's own discussion sits below the whole text; it loads when scrolled into view.
            chapter_thread_url=comments.thread_url(CHAPTER, current.id),
            **common, **chapters(),
        )

    def page():
        own = participation["user_decision"]
        reader = ("main", own.code, str(own.reason), reader_key(project))
        return render_page(
            "commenting/chapter.html",
            title=cached_fragment(key + ("title",), project, scopes=[contents_scope], render=lambda: Markup(
                "{}. {} – {}").format(chapters()["number"], current.title, chapters()["document"].title)),
            main=cached_fragment(key + reader, project, scopes=[contents_scope], render=main),
        )

    return anonymous_page(key, project, page, scopes=[body_scope, contents_scope])


@bp.get("/paragraph/<int:paragraph_id>")
def paragraph(slug, paragraph_id):
    """A paragraph with its whole discussion: where the chapter page's links lead without JavaScript.

    For htmx (the chapter page's "Discuss" toggle) only the discussion widget, loaded below the paragraph.
    """
    project = load_project(slug)
    item = get_or_404(Paragraph, paragraph_id, project)
    current = item.chapter
    chapters = services.chapters_of(current.document)
    siblings = services.paragraphs_of(current)
    fragment = wants_fragment()
    return render_page_or_fragment(
        "commenting/paragraph.html", "commenting/_discussion.html", project=project, document=current.document,
        chapter=current, paragraph=item, number=f"{chapters.index(current) + 1}.{siblings.index(item) + 1}",
        # In place below the paragraph (an <h2> on the chapter page) or as the page's own section.
        thread=comments.thread_html(PARAGRAPH, item.id, project, heading_level=3 if fragment else 2),
        **({} if fragment else _participation(project)),
    )


@bp.get("/overview")
def overview(slug):
    """Numbers for initiators: comments per chapter, paragraph and day; the most discussed paragraphs."""
    project = _managed(slug)
    return render_template("commenting/overview.html", project=project, **stats.overview(project))


# --- documents ----------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
def document_new(slug):
    project = _managed(slug)
    form = DocumentForm()
    if form.validate_on_submit():
        doc = services.create_document(project, form.title.data.strip(), markdown_to_html(form.preamble.data))
        db.session.commit()
        flash(_("The document has been created. Add its first chapter."), "success")
        return redirect(url_for(".chapter_new", slug=slug, document_id=doc.id))
    return _form_page(project, form, _("New document"), ["title", "preamble"], url_for(".index", slug=slug))


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
def document_edit(slug, document_id):
    project = _managed(slug)
    doc = get_or_404(Document, document_id, project)
    form = DocumentForm(obj=doc)
    if request.method == "GET":
        form.preamble.data = html_to_markdown(doc.preamble_html)
    if form.validate_on_submit():
        doc.title = form.title.data.strip()
        doc.preamble_html = str(markdown_to_html(form.preamble.data))
        db.session.commit()
        flash(_("The document has been saved."), "success")
        return redirect(url_for(".document", slug=slug, document_id=doc.id))
    return _form_page(
        project, form, _("Edit document"), ["title", "preamble"], url_for(".document", slug=slug, document_id=doc.id),
        document=doc,
    )


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
def document_delete(slug, document_id):
    project = _managed(slug)
    doc = get_or_404(Document, document_id, project)
    count = services.comment_count_of_document(doc)
    return _delete(
        project, count, lambda: services.delete_document(doc),
        what=_("the document “%(title)s” with all its chapters and paragraphs", title=doc.title),
        done=_("The document has been deleted."),
        back=url_for(".document", slug=slug, document_id=doc.id), after=url_for(".index", slug=slug),
        document=doc,
    )


@bp.post("/<int:document_id>/move/<direction>")
def document_move(slug, document_id, direction):
    project = _managed(slug)
    doc = get_or_404(Document, document_id, project)
    _check_move(direction)
    reorder(services.documents_of(project), doc, direction)
    db.session.commit()
    return redirect(url_for(".index", slug=slug) + f"#document-{doc.id}")


@bp.route("/import", methods=["GET", "POST"])
def import_new(slug):
    project = _managed(slug)
    return _import(project, None)


@bp.route("/<int:document_id>/import", methods=["GET", "POST"])
def import_again(slug, document_id):
    project = _managed(slug)
    return _import(project, get_or_404(Document, document_id, project))


def _import(project, doc):
    form = ImportForm()
    error = None
    if form.validate_on_submit():
        warnings: list[str] = []
        try:
            result = services.import_markdown(project, form.file.data.read(), doc, warnings)
        except MarkdownImportError as exc:
            db.session.rollback()
            error = str(exc)
            form.file.errors = [error]
        else:
            db.session.commit()
            chapters = len(result.chapters)
            paragraphs = sum(len(c.paragraphs) for c in result.chapters)
            flash(
                _("“%(title)s” has been imported: %(chapters)s, %(paragraphs)s.", title=result.title,
                  chapters=ngettext("%(num)d chapter", "%(num)d chapters", chapters),
                  paragraphs=ngettext("%(num)d paragraph", "%(num)d paragraphs", paragraphs)),
                "success",
            )
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for(".document", slug=project.slug, document_id=result.id))
    existing = services.comment_count_of_document(doc) if doc is not None else 0
    back = url_for(".document", slug=project.slug, document_id=doc.id) if doc else url_for(".index", slug=project.slug)
    return render_template(
        "commenting/import.html", project=project, form=form, document=doc, existing=existing, back=back
    ), 400 if form.errors else 200


# --- chapters -----------------------------------------------------------------


@bp.route("/<int:document_id>/chapters/new", methods=["GET", "POST"])
def chapter_new(slug, document_id):
    project = _managed(slug)
    doc = get_or_404(Document, document_id, project)
    form = ChapterForm()
    if form.validate_on_submit():
        item = services.add_chapter(doc, form.title.data.strip(), (form.part.data or "").strip())
        db.session.commit()
        flash(_("The chapter has been added."), "success")
        return redirect(url_for(".chapter", slug=slug, chapter_id=item.id) + "#new-paragraph")
    return _form_page(
        project, form, _("New chapter"), ["title", "part"], url_for(".document", slug=slug, document_id=doc.id),
        document=doc,
    )


@bp.route("/chapter/<int:chapter_id>/edit", methods=["GET", "POST"])
def chapter_edit(slug, chapter_id):
    project = _managed(slug)
    item = get_or_404(Chapter, chapter_id, project)
    form = ChapterForm(obj=item)
    if form.validate_on_submit():
        item.title = form.title.data.strip()
        item.part = (form.part.data or "").strip()
        db.session.commit()
        flash(_("The chapter has been saved."), "success")
        return redirect(url_for(".chapter", slug=slug, chapter_id=item.id))
    return _form_page(
        project, form, _("Edit chapter"), ["title", "part"], url_for(".chapter", slug=slug, chapter_id=item.id),
        document=item.document,
    )


@bp.post("/chapter/<int:chapter_id>/move/<direction>")
def chapter_move(slug, chapter_id, direction):
    project = _managed(slug)
    item = get_or_404(Chapter, chapter_id, project)
    _check_move(direction)
    reorder(services.chapters_of(item.document), item, direction)
    db.session.commit()
    return redirect(url_for(".document", slug=slug, document_id=item.document_id) + f"#chapter-{item.id}")


@bp.route("/chapter/<int:chapter_id>/delete", methods=["GET", "POST"])
def chapter_delete(slug, chapter_id):
    project = _managed(slug)
    item = get_or_404(Chapter, chapter_id, project)
    document_id = item.document_id
    return _delete(
        project, services.comment_count_of_chapter(item), lambda: services.delete_chapter(item),
        what=_("the chapter “%(title)s” with all its paragraphs", title=item.title),
        done=_("The chapter has been deleted."),
        back=url_for(".chapter", slug=slug, chapter_id=item.id),
        after=url_for(".document", slug=slug, document_id=document_id), document=item.document,
    )


# --- paragraphs ---------------------------------------------------------------


@bp.route("/chapter/<int:chapter_id>/paragraphs/new", methods=["GET", "POST"])
def paragraph_new(slug, chapter_id):
    project = _managed(slug)
    item = get_or_404(Chapter, chapter_id, project)
    form = ParagraphForm()
    if form.validate_on_submit():
        added = services.add_paragraph(item, markdown_to_html(form.text.data))
        db.session.commit()
        flash(_("The paragraph has been added."), "success")
        return redirect(url_for(".chapter", slug=slug, chapter_id=item.id) + f"#p-{added.id}")
    return _form_page(
        project, form, _("New paragraph in “%(title)s”", title=item.title), ["text"],
        url_for(".chapter", slug=slug, chapter_id=item.id), document=item.document,
    )


@bp.route("/paragraph/<int:paragraph_id>/edit", methods=["GET", "POST"])
def paragraph_edit(slug, paragraph_id):
    project = _managed(slug)
    item = get_or_404(Paragraph, paragraph_id, project)
    form = ParagraphForm()
    if request.method == "GET":
        form.text.data = html_to_markdown(item.html)
    if form.validate_on_submit():
        item.html = str(markdown_to_html(form.text.data))
        db.session.commit()
        flash(_("The paragraph has been saved."), "success")
        return redirect(url_for(".chapter", slug=slug, chapter_id=item.chapter_id) + f"#p-{item.id}")
    note = None
    count = services.comment_count_of_paragraph(item)
    if count:
        note = ngettext(
            "This paragraph has %(num)d comment. Change only typing errors, so the comment still fits the text.",
            "This paragraph has %(num)d comments. Change only typing errors, so the comments still fit the text.",
            count,
        )
    return _form_page(
        project, form, _("Edit paragraph"), ["text"],
        url_for(".chapter", slug=slug, chapter_id=item.chapter_id) + f"#p-{item.id}", document=item.chapter.document,
        note=note,
    )


@bp.post("/paragraph/<int:paragraph_id>/move/<direction>")
def paragraph_move(slug, paragraph_id, direction):
    project = _managed(slug)
    item = get_or_404(Paragraph, paragraph_id, project)
    _check_move(direction)
    reorder(services.paragraphs_of(item.chapter), item, direction)
    db.session.commit()
    return redirect(url_for(".chapter", slug=slug, chapter_id=item.chapter_id) + f"#p-{item.id}")


@bp.route("/paragraph/<int:paragraph_id>/delete", methods=["GET", "POST"])
def paragraph_delete(slug, paragraph_id):
    project = _managed(slug)
    item = get_or_404(Paragraph, paragraph_id, project)
    chapter_id = item.chapter_id
    return _delete(
        project, services.comment_count_of_paragraph(item), lambda: services.delete_paragraph(item),
        what=_("this paragraph"), done=_("The paragraph has been deleted."),
        back=url_for(".chapter", slug=slug, chapter_id=chapter_id) + f"#p-{item.id}",
        after=url_for(".chapter", slug=slug, chapter_id=chapter_id), document=item.chapter.document,
        excerpt_html=item.html,
    )


# --- helpers ------------------------------------------------------------------


def _check_move(direction):
    if direction not in ("up", "down"):
        abort(404)


def _form_page(project, form, title, fields, back, document=None, note=None):
    return render_template(
        "commenting/form.html", project=project, form=form, heading=title, fields=fields, back=back,
        document=document, note=note,
    ), 400 if form.errors else 200


def _delete(project, count, action, *, what, done, back, after, document=None, excerpt_html=None):
    """Ask first (saying how many comments would go), delete on the confirming POST."""
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            expected = int(form.expected.data or 0)
        except ValueError:
            expected = -1
        if expected == count:
            action()
            db.session.commit()
            flash(done, "success")
            return redirect(after)
        flash(_("Comments have been written meanwhile. Please check the numbers and confirm again."), "error")
    form.expected.data = str(count)
    return render_template(
        "commenting/confirm_delete.html", project=project, form=form, what=what, count=count, back=back,
        document=document, excerpt_html=excerpt_html,
    )


def tab_for(project) -> list:
    """"Documents" for everyone once there is one; for initiators also before, when a commenting phase exists."""
    from core.toolkit import known_phases, ProjectTab

    may_manage = bool(can(current_user, "project.manage", project))
    # Asked on every page of the project: cached by the header scope, which a new or deleted document moves.
    has_documents = cached_value(
        ("commenting.has_documents", project.id),
        lambda: db.session.scalar(db.select(Document.id).where(Document.project_id == project.id).limit(1)) is not None,
        scopes=[header_scope(project.id)],
    )
    tabs = []
    if has_documents or (may_manage and any(p.kind == "commenting" for p in known_phases(project))):
        tabs.append(ProjectTab("documents", _("Documents"), "commenting.index", order=10))
    if may_manage and has_documents:
        tabs.append(ProjectTab("commenting-overview", _("Comment statistics"), "commenting.overview", order=90))
    return tabs
