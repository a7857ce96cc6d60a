"""Pages of the voting plugin, one module per concern.

- :mod:`.rating`: casting votes on other plugins' items (``/voting``) and the rating
  phase's "Take part" link (``/p/<slug>/rating``);
- :mod:`.polls`: answering the project's poll and its results (``/p/<slug>/poll``);
- :mod:`.poll_builder`: the initiators' poll builder (``/p/<slug>/poll/manage``).
"""
from __future__ import annotations

from . import poll_builder
from .polls import bp, results_visible
from .rating import rate_bp, vote_bp

#: The modules whose routes are on the blueprints (importing them registers the routes).
VIEW_MODULES = (poll_builder,)

__all__ = ["bp", "rate_bp", "results_visible", "vote_bp"]
