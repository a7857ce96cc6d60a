"""Demo content: the organisation's official responses to the ended draft and to collected ideas.

Builds on what the commenting and ideas demos share (``demo.shared``), so it
runs after them (``trylast``) and imports neither; without them it adds nothing.
The demo's editor ("Redaktion", redaktion@example.org) writes the responses.
"""
from __future__ import annotations

from datetime import timedelta

from core.toolkit import db

from .items import item_type
from .models import Response

DRAFT_RESPONSES = [
    # (paragraph index, response)
    (1, "<p>Vielen Dank für die vielen Hinweise zum Bahnhofsring. Wir beginnen dort 2027 mit einer "
        "<strong>rot markierten</strong>, baulich getrennten Radspur, wie mehrfach vorgeschlagen.</p>"),
    (2, "<p>Die Zählung von 1.040 Rädern am Bahnhof bestätigt Ihre Beobachtung. Das Fahrradparkhaus wird "
        "deshalb für 1.200 Plätze geplant.</p>"),
]
COMMENT_RESPONSE = ("<p>Die gefährlichste Stelle kommt zuerst, da sind wir uns einig. Die Bauarbeiten am "
                    "Bahnhofsring sind für das Frühjahr 2027 vorgesehen.</p>")
IDEA_RESPONSES = [
    # (idea index, status, response)
    (0, "accepted", "<p>Die Grundschule macht mit; der Kiezfonds übernimmt die Materialkosten von 1.500 €.</p>"),
    (1, "partly_accepted", "<p>Ein Zebrastreifen ist dort nicht zulässig, eine Mittelinsel prüft das "
                           "Straßenverkehrsamt bis Ende des Jahres.</p>"),
    (3, "under_review", "<p>Wir suchen mit dem Jugendclub Oase noch nach einer geeigneten Wand.</p>"),
    (5, "rejected", "<p>Baumpatenschaften bietet das Grünflächenamt schon an; wir verweisen gern darauf.</p>"),
]


def seed(demo) -> None:
    editor = demo.users.get("editor")
    if editor is None:
        return
    draft = demo.shared.get("commenting.ended_draft")
    if draft and item_type("paragraph") is not None:
        project = draft["project"]
        project.organisation = "Stadt Beispielstadt, Amt für Verkehr"
        demo.appoint(project, editor, "editor")
        answered_at = demo.days(-3)
        for index, text in DRAFT_RESPONSES:
            _respond(project, "paragraph", draft["paragraphs"][index].id, editor, text, answered_at)
        if item_type("comment") is not None and draft["comments"]:
            _respond(project, "comment", draft["comments"][0].id, editor, COMMENT_RESPONSE, answered_at)
    collection = demo.shared.get("ideas.ended_collection")
    kind = item_type("idea")
    if collection and kind is not None:
        project = collection["project"]
        project.organisation = "Nachbarschaftsverein Kiez e. V."
        demo.appoint(project, editor, "editor")
        for index, status, text in IDEA_RESPONSES:
            idea = collection["ideas"][index]
            if kind.has_statuses:
                kind.set_status(idea, status)
            _respond(project, "idea", idea.id, editor, text, demo.days(-1) + timedelta(hours=index))


def _respond(project, item_type_name: str, item_id: int, editor, html: str, at) -> None:
    """A response as the demo's editor wrote it at ``at`` (no notification: the demo has no history of them)."""
    db.session.add(Response(project_id=project.id, item_type=item_type_name, item_id=item_id, author_id=editor.id,
                            text_html=html, created_at=at))
