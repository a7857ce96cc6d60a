"""Commenting: a city publishes a draft (documents of chapters and paragraphs); people comment paragraph by paragraph.

Phase kind ``commenting`` grants ``comment.create`` and ``comment.rate``; the
discussions themselves come from the ``comments`` plugin, which finds this
plugin's two item types, ``paragraph`` and ``chapter``, in the core. See README.md.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.toolkit import PhaseKind

NEEDS = ["comments"]
FEATURES = frozenset({"comment.create", "comment.rate"})
KIND = "commenting"


@hookimpl
def register_models():
    from .models import MODELS

    return MODELS


@hookimpl
def register_phase_kinds(register):
    register(PhaseKind(
        KIND,
        label=_l("Commenting on a draft"),
        features=FEATURES,
        description=_l("People read a draft and comment on its paragraphs and chapters."),
        endpoint="commenting.index",
    ))


@hookimpl
def register_item_types(register):
    from .items import item_types

    for item_type in item_types():
        register(item_type)


@hookimpl
def register_search_sources(register):
    """Chapters and paragraphs in the site search (:mod:`.search`)."""
    from .search import SOURCES

    for source in SOURCES:
        register(source)


@hookimpl
def check_permission(user, action, obj, project):
    """Paragraphs and chapters are discussed only while a ``commenting`` phase is open, whatever else is."""
    if action not in FEATURES:
        return None
    from plugins.comments.api import phase_bound

    from .items import CHAPTER, PARAGRAPH
    from .models import Chapter, Paragraph

    return phase_bound(action, obj, project, kinds={KIND}, types={PARAGRAPH, CHAPTER}, models=(Paragraph, Chapter))


@hookimpl
def register_blueprints():
    from .views import bp

    return [bp]


@hookimpl
def project_tabs(project):
    from .views import tab_for

    return tab_for(project)


@hookimpl
def manage_links(project):
    from core.toolkit import ManageLink

    return [
        ManageLink(_l("Documents"), "commenting.index", _l("Write, import and arrange the texts people comment on")),
        ManageLink(_l("Comment statistics"), "commenting.overview", _l("Comments per chapter, paragraph and day")),
    ]


@hookimpl
def register_exporters(register):
    # "document-comments": every comment with its document, chapter and paragraph, for evaluation.
    # The comments plugin's own "comments" export stays available beside it.
    from .exports import EXPORTER

    register(EXPORTER)


@hookimpl
def register_commands(cli):
    from .cli import commenting_group

    cli.add_command(commenting_group)


@hookimpl
def seed_demo(demo):
    from .demo import seed

    seed(demo)


@hookimpl
def phase_results(project, phase):
    """Figures of the draft's discussion on the results page of a commenting phase."""
    if phase.kind != KIND:
        return []
    from .results import sections

    return sections(project, phase)
