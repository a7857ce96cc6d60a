"""The figures on a phase's results page, gathered from every enabled plugin.

The core owns phases and their results text; the plugins own the figures. Each
plugin answers the ``phase_results`` hook with :class:`core.registry.ResultSection`
entries for the phases it has something to say about::

    from core.results.sections import result_sections

    for section in result_sections(project, phase):   # sorted by order, then key
        print(section.plugin, section.title)
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app

from ..registry import ResultSection


def result_sections(project: Any, phase: Any) -> list[ResultSection]:
    """Every plugin's sections for ``phase``, each naming its plugin, in ``order`` (ties by ``key``)."""
    hook = current_app.extensions["mitsprache"].pm.hook.phase_results
    found: list[ResultSection] = []
    for impl in hook.get_hookimpls():
        for section in impl.function(project=project, phase=phase) or []:
            found.append(replace(section, plugin=section.plugin or impl.plugin_name))
    return sorted(found, key=lambda section: (section.order, section.key))
