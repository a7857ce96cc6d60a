"""Demo content: a project with an open poll that some demo users have answered."""
from __future__ import annotations

from core.toolkit import db

from .models import Option, Poll, Question
from .services.polls import write_response


def seed(demo) -> None:
    project = demo.project(
        "umfrage-stadtpark",
        "Umfrage: Wie soll der Stadtpark genutzt werden?",
        "<p>Der Stadtpark wird neu gestaltet. Sagen Sie uns in drei kurzen Fragen, was Ihnen wichtig ist.</p>",
    )
    demo.phase(project, "poll", "Umfrage", demo.days(-3), demo.days(11),
               "<p>Sie können Ihre Antworten bis zum Ende der Umfrage ändern.</p>")
    poll = Poll(project_id=project.id, title="Stadtpark der Zukunft",
                intro="Die Umfrage dauert etwa zwei Minuten. Ihre Antworten werden anonym ausgewertet.")
    db.session.add(poll)
    single = Question(poll=poll, position=0, kind=Question.SINGLE, required=True,
                      text="Wie oft besuchen Sie den Stadtpark?")
    multiple = Question(poll=poll, position=1, kind=Question.MULTIPLE, required=True, min_choices=1, max_choices=2,
                        text="Was fehlt Ihnen im Park am meisten?")
    text = Question(poll=poll, position=2, kind=Question.TEXT, required=False, max_length=1000,
                    text="Was möchten Sie uns sonst noch mitteilen?")
    for question, options in (
        (single, ["Täglich", "Jede Woche", "Seltener", "Nie"]),
        (multiple, ["Mehr Bänke", "Schatten und Bäume", "Spielgeräte", "Toiletten", "Beleuchtung"]),
    ):
        question.options = [Option(text=t, position=i) for i, t in enumerate(options)]
    db.session.add_all([single, multiple, text])
    db.session.flush()
    s, m = single.options, multiple.options
    answers = {
        "anna": {single.id: [s[0].id], multiple.id: [m[1].id, m[3].id], text.id: "Bitte mehr Trinkbrunnen!"},
        "ben": {single.id: [s[1].id], multiple.id: [m[0].id]},
        "cem": {single.id: [s[1].id], multiple.id: [m[1].id, m[4].id], text.id: "Abends ist es zu dunkel."},
        "dora": {single.id: [s[2].id], multiple.id: [m[2].id, m[1].id]},
    }
    for key, values in answers.items():
        write_response(poll.id, demo.users[key].id, values, {q.id: q for q in (single, multiple, text)})
