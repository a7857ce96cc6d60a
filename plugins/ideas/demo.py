"""Demo content: a neighbourhood fund brainstorm that has moved on to voting, and an open brainstorm."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from plugins.comments import api as comments
from .models import Category, Idea

KIEZ_CATEGORIES = ["Grün & Umwelt", "Verkehr", "Kultur & Begegnung", "Kinder & Jugend"]

# (author, category index, title, description, place, days before the ideas phase ended)
KIEZ_IDEAS = [
    ("anna", 0, "Hochbeete auf dem Schulhof",
     "Gemeinsam mit der Grundschule Hochbeete bauen, die Kinder und Nachbarschaft im Sommer pflegen.\n\n"
     "Das Material kostet etwa 1.500 €.", "Grundschule am Park", 20),
    ("ben", 1, "Sichere Querung an der Lindenstraße",
     "Vor der Kita fehlt ein Zebrastreifen. Eine Mittelinsel würde schon helfen.", "Lindenstraße / Ecke Gartenweg", 18),
    ("cem", 2, "Offener Bücherschrank",
     "Ein wetterfester Bücherschrank am Marktplatz, betreut vom Nachbarschaftsverein.", "Marktplatz", 16),
    ("dora", 3, "Graffiti-Workshop für Jugendliche",
     "Legale Wand und ein Workshop mit Künstler:innen aus dem Kiez in den Sommerferien.", "Jugendclub Oase", 14),
    ("anna", 1, "Mehr Fahrradbügel vor dem Ärztehaus",
     "Fahrräder stehen überall auf dem Gehweg. Zehn Bügel würden reichen.", "Ärztehaus Hauptstraße", 12),
    ("ben", 0, "Baumpatenschaften",
     "Wasserkannen und Schilder für Nachbar:innen, die im Sommer Straßenbäume gießen.", "", 9),
    ("cem", 2, "Kiezfest im September",
     "Ein Straßenfest mit Flohmarkt, Musik und Ständen der Vereine.", "Gartenweg", 6),
    ("dora", 3, "Bolzplatz-Netze erneuern",
     "Die Netze auf dem Bolzplatz sind seit Jahren kaputt.", "Bolzplatz Wiesengrund", 3),
]

# Supports in the rating phase (if voting is enabled): (idea index, supporters). Anna keeps two of
# her three votes, so a visitor logged in as Anna can try supporting.
KIEZ_SUPPORTS = [
    (0, ["ben", "cem", "dora"]),
    (1, ["anna", "cem", "dora"]),
    (2, ["ben"]),
    (3, ["dora"]),
    (6, ["ben"]),
    (7, ["cem"]),
]

KIEZ_COMMENTS = [
    (0, "ben", "Gute Idee! Ich helfe beim Bauen."),
    (0, "dora", "Wer gießt in den Ferien?"),
    (1, "anna", "Unbedingt, morgens ist es dort gefährlich."),
    (2, "dora", "Am Marktplatz ist das ideal."),
    (4, "cem", "Bitte auch überdachte Bügel."),
    (6, "anna", "Ich kann den Flohmarkt organisieren."),
]


def seed(demo) -> None:
    users = demo.users
    kinds = current_app.extensions["mitsprache"].registry.phase_kinds

    # 1. Brainstorm ended a few days ago; if the voting plugin runs, a rating phase is open now.
    kiez = demo.project(
        "kiezfonds",
        "Was soll unser Kiez als Nächstes fördern?",
        "<p>Der Nachbarschaftsverein verteilt 10.000 € aus dem Kiezfonds. Erst sammeln wir Ideen, "
        "dann stimmt die Nachbarschaft ab.</p>",
    )
    ideas_end = demo.days(-3)
    demo.phase(kiez, "ideas", "Ideen sammeln", demo.days(-24), ideas_end,
               "<p>Reicht eure Ideen ein und diskutiert sie.</p>")
    rating = None
    if "rating" in kinds:
        rating = demo.phase(kiez, "rating", "Abstimmen", ideas_end, demo.days(11),
                            "<p>Jede und jeder kann bis zu drei Ideen unterstützen, die am wichtigsten sind.</p>",
                            mode="support", max_votes=3)
    categories = _categories(kiez, KIEZ_CATEGORIES)
    ideas = []
    for author, cat, title, text, place, days_before_end in KIEZ_IDEAS:
        ideas.append(_idea(kiez, users[author], categories[cat], title, text, place, ideas_end - timedelta(days=days_before_end)))
    # The collected ideas, for other plugins' demo content (official responses give them a status).
    demo.shared["ideas.ended_collection"] = {"project": kiez, "ideas": ideas}
    for index, author, text in KIEZ_COMMENTS:
        idea = ideas[index]
        comments.add_comment("idea", idea.id, idea.project, users[author], text,
                             created_at=idea.created_at + timedelta(hours=5))
    if rating is not None:
        from plugins.voting.api import add_vote  # the rating kind exists, so voting is enabled

        from core.toolkit import db

        db.session.flush()
        for n, (index, supporters) in enumerate(KIEZ_SUPPORTS):
            for name in supporters:
                add_vote(rating.id, "idea", ideas[index].id, users[name].id, created_at=ideas_end + timedelta(hours=n + 1))

    # 2. An open brainstorm.
    open_project = demo.project(
        "spielplatz-ideen",
        "Ideen für den neuen Spielplatz am Wasserturm",
        "<p>Was wünscht ihr euch für den neuen Spielplatz? Jede Idee zählt.</p>",
    )
    demo.phase(open_project, "ideas", "Ideen sammeln", demo.days(-5), demo.days(16))
    play = _categories(open_project, ["Spielgeräte", "Sitzen & Schatten"])
    _idea(open_project, users["cem"], play[0], "Wasserspielplatz", "Eine Matschanlage mit Pumpe.", "", demo.days(-4))
    second = _idea(open_project, users["dora"], play[1], "Mehr Schatten",
                   "Sonnensegel über dem Sandkasten, bis die Bäume groß sind.", "Sandkasten", demo.days(-2))
    comments.add_comment("idea", second.id, second.project, users["anna"], "Ja, im Sommer ist es dort viel zu heiß.",
                         created_at=demo.days(-1))


def _categories(project, names):
    from core.toolkit import db

    made = [Category(project_id=project.id, name=name, position=i) for i, name in enumerate(names)]
    db.session.add_all(made)
    db.session.flush()
    return made


def _idea(project, author, category, title, text, place, created_at):
    from core.toolkit import db

    idea = Idea(project_id=project.id, project=project, author_id=author.id, category_id=category.id, created_at=created_at)
    idea.set_content(title, text, place)
    db.session.add(idea)
    db.session.flush()
    return idea
