"""Pages of the matchmaking plugin, one module per concern, on one blueprint (``/p/<slug>/matchmaking``).

- :mod:`.catalogue`: challenges and initiatives (lists with filters and search, pages, forms), regions
- :mod:`.organisations`: profiles, registering and editing, verification, block and report
- :mod:`.interest`: marking interest, answering, withdrawing; connections and their messages; introductions
- :mod:`.dashboard`: "Your interests" and the suggestions switch
- :mod:`.wishlist`: a public body's ranked wish list
- :mod:`.organisers`: the organisers' dashboard, fields of action, import, settings, allocation
"""
from __future__ import annotations

from core.toolkit import Blueprint, abort, known_phases, load_project

bp = Blueprint("matchmaking", __name__, url_prefix="/p/<slug>/matchmaking")

#: Interest, messages and reports per account: a busy person sends a few a minute; a script hundreds.
RATE_LIMIT = "10 per minute;60 per hour;300 per day"


@bp.record_once
def _rate_limit_default(state):
    state.app.config.setdefault("MATCHMAKING_RATE_LIMIT", RATE_LIMIT)


def matchmaking_project(slug: str):
    """The project, or 404 when it is missing, hidden from the user, or has no matchmaking phase."""
    project = load_project(slug)
    if not any(phase.kind == "matchmaking" for phase in known_phases(project)):
        abort(404)
    return project


from . import catalogue, dashboard, interest, organisations, organisers, wishlist  # noqa: E402,F401  (routes)
