"""Whether the public can see and take part in a project yet: the "Private" and "Draft" badges.

Two things keep a project from the public, and staff must see both at a glance
in every list and on the project page:

- **private**: ``Project.is_public`` is off. Only the project's team and site
  administrators can open it; visitors get a 404.
- **draft**: the project is public but has no phase (of an enabled kind) yet,
  so it has no dates and nobody can take part. Visitors see a page that says
  "No phases planned yet"; the team sees "Draft" until the first phase exists.

A project can be both. The badges carry words, not only a colour (WCAG 1.4.1).
"""
from __future__ import annotations

from typing import Any

from .policy import known_phases

PRIVATE, DRAFT = "private", "draft"


def unpublished_states(project: Any) -> list[str]:
    """``["private"]``, ``["draft"]``, both or none: why the public cannot (yet) take part."""
    states = []
    if not project.is_public:
        states.append(PRIVATE)
    if not known_phases(project):
        states.append(DRAFT)
    return states
