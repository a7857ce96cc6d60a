"""Helpers for tests of results pages: publish a phase's results, read a figures table back as text."""
from __future__ import annotations

import re

from core.extensions import db


def publish_results(app, phase_id: int, text: str = "<p>Danke für Ihre Beiträge!</p>") -> str:
    """Publish results for the phase (as the initiator would); returns the results page's path."""
    from core.models import Phase
    from core.results.services import save_results

    with app.app_context():
        phase = db.session.get(Phase, phase_id)
        save_results(phase, text, publish=True)
        db.session.commit()
        return f"/p/{phase.project.slug}/results/{phase_id}"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def figure_rows(page: str, key: str) -> list[tuple[str, ...]]:
    """The rows of the figures table ``figures-<key>`` as (label, count[, share]) text, tags stripped."""
    table = re.search(rf'<table[^>]*id="figures-{key}".*?</table>', page, re.S).group(0)
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    return [(_text(label), *[_text(cell) for cell in re.findall(r'<td class="results-number">(.*?)</td>', rest, re.S)])
            for label, rest in rows]


def key_figure(page: str, label: str) -> str:
    """The value shown under a key figure's label ("Ideas submitted" → "7")."""
    return _text(re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", page, re.S).group(1))
