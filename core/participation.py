"""Everything a person contributed, from every enabled plugin: their "My participation" page and data download.

Each plugin lists its part through the ``user_contributions`` hook as
:class:`core.registry.Contribution` entries; the core never reads plugins'
tables::

    from core.participation import contributions_of, by_project

    contributions = contributions_of(user)          # newest first
    for project, entries in by_project(contributions):
        ...
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import current_app

from .registry import Contribution


def contributions_of(user: Any) -> list[Contribution]:
    """Every contribution of ``user`` across the enabled plugins, newest first, each naming its plugin."""
    hook = current_app.extensions["mitsprache"].pm.hook.user_contributions
    found: list[Contribution] = []
    for impl in hook.get_hookimpls():
        for contribution in impl.function(user=user) or []:
            found.append(replace(contribution, plugin=contribution.plugin or impl.plugin_name))
    return sorted(found, key=lambda c: (_sortable(c.created_at), c.kind), reverse=True)


def _sortable(moment: Any) -> float:
    return moment.timestamp() if isinstance(moment, datetime) else 0.0


def by_project(contributions: list[Contribution]) -> list[tuple[Any, list[Contribution]]]:
    """``[(project, contributions)]`` in the order the projects first appear (most recent activity first)."""
    groups: dict[Any, list[Contribution]] = {}
    projects: dict[Any, Any] = {}
    for contribution in contributions:
        key = getattr(contribution.project, "id", None)
        projects.setdefault(key, contribution.project)
        groups.setdefault(key, []).append(contribution)
    return [(projects[key], entries) for key, entries in groups.items()]
