"""Demo content: a draft climate strategy open for comments, and a finished consultation on cycling."""
from __future__ import annotations

from datetime import timedelta

from plugins.comments import api as comments

from . import services

CLIMATE = """# Klimastrategie 2030 – Entwurf

Die Stadt Beispielstadt will bis 2040 klimaneutral werden. Dieser Entwurf beschreibt, was bis 2030 geschehen soll.
Kommentieren Sie einzelne Absätze oder ganze Kapitel – jede Rückmeldung wird gelesen und ausgewertet.

## Ausgangslage

Im Jahr 2022 verursachte Beispielstadt rund 1,1 Millionen Tonnen CO₂-Äquivalente, das sind 7,4 Tonnen je Einwohnerin und Einwohner.

Die größten Quellen sind:

- Wärme in Gebäuden (41 %)
- Verkehr (31 %)
- Strom (19 %)
- Sonstiges, etwa Abfall und Landwirtschaft (9 %)

Seit 1990 sind die Emissionen um 28 % gesunken – zu langsam, um das Ziel für 2040 zu erreichen.

## Handlungsfelder

### Gebäude und Wärme

Die Stadt legt bis Ende 2026 einen kommunalen Wärmeplan vor. Er zeigt für jedes Quartier, ob Fernwärme, ein Wärmenetz oder Wärmepumpen die beste Lösung sind.

Städtische Gebäude werden bis 2030 energetisch saniert; neue städtische Gebäude entstehen im Passivhausstandard.

### Mobilität

Der Anteil des Umweltverbunds (zu Fuß, Rad, Bus und Bahn) an allen Wegen soll von 58 % auf 70 % steigen. Dafür sind geplant:

- 40 km neue, baulich getrennte Radwege
- ein 10-Minuten-Takt auf allen Stadtbuslinien
- Tempo 30 als Regelgeschwindigkeit, wo das Recht es erlaubt
- mehr Carsharing-Stationen in den Stadtteilen

### Energie

Auf allen geeigneten städtischen Dächern entstehen bis 2028 Photovoltaikanlagen. Bürgerenergiegenossenschaften erhalten Vorrang bei der Verpachtung von Flächen.

## Umsetzung und Beteiligung

Ein Klimabeirat aus Verwaltung, Wissenschaft und Stadtgesellschaft begleitet die Umsetzung und berichtet jährlich öffentlich.

Die Stadt veröffentlicht jedes Jahr im Frühjahr eine CO₂-Bilanz und einen Fortschrittsbericht im Internet.

Für die Maßnahmen stehen bis 2030 jährlich 12 Millionen Euro im Haushalt bereit; Fördermittel von Bund und Land kommen hinzu.
"""

CYCLING = """# Radverkehrsplan Innenstadt – Entwurf

Der Plan legt fest, wie das Radfahren in der Innenstadt sicherer und bequemer wird.

## Netz

Ein Hauptnetz verbindet alle Stadtteile mit der Innenstadt auf direktem Weg.

Lücken im Netz werden bis 2027 geschlossen, zuerst am Bahnhofsring und an der Brückenstraße.

## Abstellen

Am Bahnhof entsteht ein Fahrradparkhaus mit 800 Plätzen.

In jeder Straße der Innenstadt wird mindestens ein Kfz-Stellplatz zu Radbügeln umgebaut.
"""


NOISE = """# Lärmaktionsplan – Entwurf

## Ziele

Bis 2030 soll nachts an keiner Wohnstraße mehr als 55 dB(A) gemessen werden.

## Maßnahmen

- Tempo 30 nachts auf allen Hauptstraßen mit Wohnbebauung
- Lärmarmer Asphalt bei jeder Sanierung
- Förderprogramm für Schallschutzfenster
"""


def _paragraphs(document):
    return [p for c in services.chapters_of(document) for p in services.paragraphs_of(c)]


def seed(demo) -> None:
    users = demo.users

    climate = demo.project(
        "klimastrategie-2030", "Klimastrategie 2030 – Entwurf",
        "<p>Die Stadt legt den Entwurf ihrer Klimastrategie vor. Bis zum Ende der Frist können alle Absätze kommentiert werden.</p>",
    )
    start = demo.days(-3)
    demo.phase(climate, "commenting", "Kommentierung des Entwurfs", start, demo.days(9),
               "<p>12 Tage lang: lesen, kommentieren, auf andere antworten.</p>")
    document = services.import_markdown(climate, CLIMATE)
    paragraphs = _paragraphs(document)
    chapters = services.chapters_of(document)

    def at(days, hours=0):
        return start + timedelta(days=days, hours=hours)

    add = comments.add_comment
    c1 = add("paragraph", paragraphs[1].id, climate, users["anna"],
             "Warum fehlt die Landwirtschaft als eigener Punkt? Im Umland ist sie eine große Quelle.", created_at=at(0, 3))
    add("paragraph", paragraphs[1].id, climate, users["initiator"],
        "Danke! Die Landwirtschaft ist unter „Sonstiges“ erfasst; wir prüfen, ob wir sie getrennt ausweisen.",
        parent=c1, created_at=at(0, 20))
    add("paragraph", paragraphs[1].id, climate, users["ben"],
        "Gut wäre eine Grafik, wie sich die Anteile seit 1990 entwickelt haben.", created_at=at(1, 2))
    c2 = add("paragraph", paragraphs[5].id, climate, users["cem"],
             "40 km klingen viel, aber wie viele davon sind an Hauptstraßen? Dort ist es am gefährlichsten.",
             created_at=at(1, 5))
    add("paragraph", paragraphs[5].id, climate, users["dora"],
        "Genau. Und bitte ausreichend breit, damit Lastenräder überholen können.", parent=c2, created_at=at(1, 9))
    add("paragraph", paragraphs[5].id, climate, users["anna"],
        "Der 10-Minuten-Takt sollte auch abends und am Wochenende gelten.", created_at=at(2, 1))
    add("paragraph", paragraphs[5].id, climate, users["ben"],
        "Tempo 30 bitte zuerst vor Schulen und Kitas.", created_at=at(2, 6))
    add("paragraph", paragraphs[3].id, climate, users["dora"],
        "Wird es Beratung für private Eigentümer geben, wenn im Quartier kein Wärmenetz kommt?", created_at=at(2, 4))
    add("paragraph", paragraphs[6].id, climate, users["cem"],
        "Sehr gut, dass Genossenschaften Vorrang bekommen!", created_at=at(2, 8))
    add("chapter", chapters[2].id, climate, users["anna"],
        "Wer sitzt im Klimabeirat, und wie werden die Mitglieder ausgewählt?", created_at=at(2, 11))
    _rate_some(demo, paragraphs)

    cycling = demo.project(
        "radverkehrsplan-innenstadt", "Radverkehrsplan Innenstadt – Entwurf",
        "<p>Die Kommentierung ist abgeschlossen. Alle Beiträge bleiben lesbar; die Ergebnisse und die nächsten Schritte sind veröffentlicht.</p>",
    )
    ended = demo.days(-10)
    cycling_phase = demo.phase(cycling, "commenting", "Kommentierung des Entwurfs", ended - timedelta(days=14), ended)
    document = services.import_markdown(cycling, CYCLING)
    paragraphs = _paragraphs(document)
    first = add("paragraph", paragraphs[1].id, cycling, users["ben"],
                "Der Bahnhofsring ist die gefährlichste Stelle – gut, dass er zuerst kommt.", created_at=ended - timedelta(days=12))
    add("paragraph", paragraphs[1].id, cycling, users["dora"], "Bitte mit Markierung in Rot, damit Autofahrer sie sehen.",
        parent=first, created_at=ended - timedelta(days=11))
    add("paragraph", paragraphs[2].id, cycling, users["cem"],
        "800 Plätze reichen nicht; schon heute stehen über 1.000 Räder am Bahnhof.", created_at=ended - timedelta(days=6))
    add("paragraph", paragraphs[3].id, cycling, users["anna"],
        "Radbügel bitte auch für Lastenräder und Anhänger planen.", created_at=ended - timedelta(days=2))
    demo.results(
        cycling_phase,
        "<p>In zwei Wochen haben Bürgerinnen und Bürger den Entwurf kommentiert. Am häufigsten ging es um den "
        "Bahnhofsring und um mehr Abstellplätze am Bahnhof.</p>"
        "<ul><li>Der Radweg am Bahnhofsring wird durchgehend rot markiert.</li>"
        "<li>Die Fahrradstation am Bahnhof wird für 1.200 statt 800 Räder geplant.</li>"
        "<li>Neue Radbügel werden auch für Lastenräder und Anhänger ausgelegt.</li></ul>",
        "<p>Die Verwaltung überarbeitet den Entwurf bis Ende des Quartals. Der Ausschuss für Mobilität berät ihn "
        "in seiner nächsten öffentlichen Sitzung; der Termin steht im Ratsinformationssystem.</p>",
        "https://www.example.org/radverkehrsplan-innenstadt-entwurf-2.pdf",
        "Überarbeiteter Entwurf (PDF)",
    )
    # The ended draft, for other plugins' demo content (the official responses answer it).
    demo.shared["commenting.ended_draft"] = {"project": cycling, "paragraphs": paragraphs, "comments": [first]}

    # A draft whose commenting phase is still ahead: readable now, open for comments in a week.
    noise = demo.project(
        "laermaktionsplan", "Lärmaktionsplan – Entwurf",
        "<p>Der Entwurf ist schon zu lesen. Kommentieren können Sie ab dem Start der Beteiligung.</p>",
    )
    demo.phase(noise, "commenting", "Kommentierung des Entwurfs", demo.days(7), demo.days(21))
    services.import_markdown(noise, NOISE)


def _rate_some(demo, paragraphs) -> None:
    """Some agreement for the demo's comments, through the comments plugin's API."""
    rows = [r for r in comments.iter_comments(paragraphs[0].project_id) if r.parent_id is None]
    voters = [demo.users[k] for k in ("anna", "ben", "cem", "dora", "moderator")]
    for index, row in enumerate(rows):
        for number, voter in enumerate(voters[: (index % 4) + 1]):
            if voter.display_name != row.author_name:
                comments.rate_comment(row.id, voter, -1 if (index + number) % 5 == 4 else 1)
