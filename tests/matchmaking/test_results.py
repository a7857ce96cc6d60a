"""The programme's totals on a matchmaking phase's results page, without any organisation's contact details."""
from __future__ import annotations

from tests.matchmaking.conftest import SECRETS, WEEK
from tests.results_helpers import key_figure, publish_results


def test_results_show_totals_and_no_contact_details(world, login, clock):
    w = world()
    clock.advance(days=5 * WEEK.days)
    page = login(w.app, None).get(publish_results(w.app, w.phase_id)).get_data(as_text=True)
    assert [key_figure(page, label) for label in ("Public bodies", "Challenges", "Initiatives",
                                                  "Expressions of interest", "Connections made")] == ["1", "1", "1", "0", "0"]
    assert not any(secret in page for secret in SECRETS)
