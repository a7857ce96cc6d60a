"""What the site search finds: the core's projects, and every plugin's ``register_search_sources``.

Collected once per app into ``registry.search_sources`` (by type), after which
:func:`core.search.sync.listen` keeps each source's model indexed.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Project
from ..registry import SearchDocument, SearchSource
from . import sync


def project_document(project: Project) -> SearchDocument:
    return SearchDocument(project.id, project.title, html=project.description_html or "")


def load_projects(ids: list[int]) -> dict[int, Project]:
    return {p.id: p for p in db.session.scalars(db.select(Project).where(Project.id.in_(list(ids))))}


def project_url(project: Project) -> str:
    return url_for("projects.project", slug=project.slug)


PROJECTS = SearchSource("project", _l("Project"), Project, document=project_document, load=load_projects,
                        url=project_url, plural=_l("Projects"), plugin="core")


def collect_search_sources(state: Any) -> None:
    """Ask every plugin for its sources (a type registered twice is a configuration error) and listen to their models."""
    found = state.registry.search_sources
    found[PROJECTS.type] = PROJECTS
    for impl in state.pm.hook.register_search_sources.get_hookimpls():
        def register(source: SearchSource, _plugin=impl.plugin_name) -> None:
            if source.type in found:
                raise ValueError(f"search source {source.type!r} registered twice (plugin {_plugin!r})")
            found[source.type] = replace(source, plugin=_plugin)

        impl.function(register=register)
    for source in found.values():
        sync.listen(source.model)
