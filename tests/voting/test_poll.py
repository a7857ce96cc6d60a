"""Polls: the builder (initiators only), answering and changing answers, validation, results, exports."""
from __future__ import annotations

import csv
import io
import re
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from core.extensions import db
from tests.conftest import T0

START = T0 - timedelta(days=1)
END = T0 + timedelta(days=10)


def poll_tables(app):
    from plugins.voting.models import Answer, Response

    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count(Response.id))),
            sorted((a.question_id, a.option_id, a.text) for a in db.session.scalars(db.select(Answer))),
        )


@pytest.fixture
def poll_app(make_app, users, project_with_phase, login):
    """A project with a poll phase (active at T0) and a poll built through the browser by the initiator."""

    def build(start=START, end=END):
        app = make_app(plugins=["voting"])
        people = users(app)
        slug, phase_id = project_with_phase(app, "poll", start=start, end=end, people=people)
        initiator = login(app, people.initiator)
        assert initiator.get(f"/p/{slug}/poll").headers["Location"].endswith(f"/p/{slug}/poll/manage")
        response = initiator.post(f"/p/{slug}/poll/manage", data={"title": "Park survey", "intro": "Three questions."})
        assert response.status_code == 302
        base = f"/p/{slug}/poll/questions/new"
        assert initiator.post(base, data={"text": "How often do you visit?", "kind": "single", "required": "y",
                                          "options": "Daily\nWeekly\nNever", "max_length": "2000"}).status_code == 302
        assert initiator.post(base, data={"text": "What is missing?", "kind": "multiple", "required": "y",
                                          "options": "Benches\nTrees\nToilets\nLights", "min_choices": "1",
                                          "max_choices": "2", "max_length": "2000"}).status_code == 302
        assert initiator.post(base, data={"text": "Anything else?", "kind": "text", "max_length": "50"}).status_code == 302
        from plugins.voting.models import Poll

        with app.app_context():
            poll = db.session.scalar(db.select(Poll))
            questions = [SimpleNamespace(id=q.id, options=[o.id for o in q.options]) for q in poll.questions]
        return SimpleNamespace(app=app, people=people, slug=slug, phase_id=phase_id, q=questions, initiator=initiator)

    return build


def answer_data(p, single=0, multiple=(1,), text="More shade"):
    data = {f"q{p.q[0].id}": str(p.q[0].options[single])} if single is not None else {}
    data[f"q{p.q[1].id}"] = [str(p.q[1].options[i]) for i in multiple]
    data[f"q{p.q[2].id}"] = text
    return data


def test_the_builder_is_for_initiators_only(poll_app, login):
    p = poll_app()
    for person in (p.people.anna, p.people.moderator):
        client = login(p.app, person)
        assert client.get(f"/p/{p.slug}/poll/manage").status_code == 403
        assert client.post(f"/p/{p.slug}/poll/manage", data={"title": "Hacked"}).status_code == 403
        assert client.post(f"/p/{p.slug}/poll/questions/new", data={"text": "x", "kind": "text"}).status_code == 403
        assert client.post(f"/p/{p.slug}/poll/questions/{p.q[0].id}", data={"text": "x", "kind": "text"}).status_code == 403
        assert client.post(f"/p/{p.slug}/poll/questions/{p.q[0].id}/delete").status_code == 403
        assert client.post(f"/p/{p.slug}/poll/questions/{p.q[0].id}/move/down").status_code == 403
        assert client.post(f"/p/{p.slug}/poll/delete").status_code == 403
    anonymous = p.app.test_client().get(f"/p/{p.slug}/poll/manage")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    page = login(p.app, p.people.admin).get(f"/p/{p.slug}/poll/manage")
    assert page.status_code == 200  # site admins may do everything
    assert "Park survey" in p.app.test_client().get(f"/p/{p.slug}/poll").get_data(as_text=True)


def test_builder_edits_reorders_and_deletes_questions(poll_app):
    p = poll_app()
    client = p.initiator
    page = client.get(f"/p/{p.slug}/poll/manage").get_data(as_text=True)
    assert page.index("How often do you visit?") < page.index("What is missing?") < page.index("Anything else?")
    client.post(f"/p/{p.slug}/poll/questions/{p.q[2].id}/move/up")
    page = client.get(f"/p/{p.slug}/poll/manage").get_data(as_text=True)
    assert page.index("Anything else?") < page.index("What is missing?")

    form = client.get(f"/p/{p.slug}/poll/questions/{p.q[0].id}").get_data(as_text=True)
    assert "Daily\nWeekly\nNever" in form
    response = client.post(f"/p/{p.slug}/poll/questions/{p.q[0].id}", data={
        "text": "How often do you go there?", "kind": "single", "required": "y",
        "options": "Every day\nNever\nWeekly\nMonthly", "max_length": "2000"})
    assert response.status_code == 302
    page = client.get(f"/p/{p.slug}/poll").get_data(as_text=True)
    assert "How often do you go there?" in page
    assert page.index("Every day") < page.index("Never") < page.index("Weekly") < page.index("Monthly")

    # Invalid questions are explained, and nothing changes.
    response = client.post(f"/p/{p.slug}/poll/questions/new", data={"text": "Pick", "kind": "multiple", "options": "Only one",
                                                                   "max_choices": "3", "max_length": "10"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Please enter at least two options, one per line." in text and 'value="Pick"' in text

    assert client.post(f"/p/{p.slug}/poll/questions/{p.q[1].id}/delete").status_code == 302
    assert "What is missing?" not in client.get(f"/p/{p.slug}/poll/manage").get_data(as_text=True)


def test_questions_are_frozen_once_answered(poll_app, login):
    p = poll_app()
    assert login(p.app, p.people.anna).post(f"/p/{p.slug}/poll", data=answer_data(p)).status_code == 302
    page = p.initiator.get(f"/p/{p.slug}/poll/manage").get_data(as_text=True)
    assert "can no longer be changed" in page and "Add a question" not in page
    response = p.initiator.post(f"/p/{p.slug}/poll/questions/{p.q[0].id}", data={"text": "Changed", "kind": "text"})
    assert response.status_code == 302
    assert p.initiator.post(f"/p/{p.slug}/poll/questions/{p.q[0].id}/delete").status_code == 302
    assert p.initiator.post(f"/p/{p.slug}/poll/questions/new", data={"text": "New", "kind": "text"}).status_code == 302
    page = p.initiator.get(f"/p/{p.slug}/poll/manage").get_data(as_text=True)
    assert "can no longer be changed" in page
    assert "How often do you visit?" in page and "Changed" not in page and "New" not in page
    # The title and introduction can still be corrected.
    p.initiator.post(f"/p/{p.slug}/poll/manage", data={"title": "Park survey 2026", "intro": ""})
    assert "Park survey 2026" in p.app.test_client().get(f"/p/{p.slug}/poll").get_data(as_text=True)


def test_answering_and_changing_answers(poll_app, login):
    p = poll_app()
    anna = login(p.app, p.people.anna)
    page = anna.get(f"/p/{p.slug}/poll").get_data(as_text=True)
    assert "Send my answers" in page and "Choose 1 to 2 answers." in page
    response = anna.post(f"/p/{p.slug}/poll", data=answer_data(p))
    assert response.status_code == 302
    page = anna.get(f"/p/{p.slug}/poll").get_data(as_text=True)
    assert "Your answers have been saved" in page and "Save my changed answers" in page
    assert re.search(rf'value="{p.q[0].options[0]}"\s+id="[^"]+"\s+checked', page)
    assert ">More shade</textarea>" in page

    # A retried submission never counts twice; a change replaces the answers.
    anna.post(f"/p/{p.slug}/poll", data=answer_data(p))
    anna.post(f"/p/{p.slug}/poll", data=answer_data(p, single=2, multiple=(0, 3), text=""))
    count, answers = poll_tables(p.app)
    assert count == 1
    assert answers == sorted([(p.q[0].id, p.q[0].options[2], None), (p.q[1].id, p.q[1].options[0], None),
                              (p.q[1].id, p.q[1].options[3], None)])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (dict(single=None), "Please choose an answer."),
        (dict(multiple=()), "Please choose an answer."),
        (dict(multiple=(0, 1, 2)), "Please choose at most 2 answers (you chose 3)."),
        (dict(text="x" * 51), "Please shorten your answer to at most 50 characters (it has 51)."),
    ],
    ids=["missing required", "no choice", "too many", "too long"],
)
def test_validation_keeps_input_and_stores_nothing(poll_app, login, data, message):
    p = poll_app()
    anna = login(p.app, p.people.anna)
    response = anna.post(f"/p/{p.slug}/poll", data=answer_data(p, **data))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Nothing has been saved yet." in page and 'aria-invalid="true"' in page
    if "text" not in data:
        assert ">More shade</textarea>" in page  # what the person typed is kept
    assert poll_tables(p.app) == (0, [])


def test_validation_in_german_and_forged_options(poll_app, login):
    p = poll_app()
    anna = login(p.app, p.people.anna)
    response = anna.post(f"/p/{p.slug}/poll", data=answer_data(p, multiple=(0, 1, 2)), headers={"Accept-Language": "de"})
    assert "Bitte wählen Sie höchstens 2 Antworten (Sie haben 3 gewählt)." in response.get_data(as_text=True)
    data = answer_data(p)
    data[f"q{p.q[0].id}"] = str(p.q[1].options[0])  # an option of another question
    response = anna.post(f"/p/{p.slug}/poll", data=data)
    assert response.status_code == 400 and "Please choose from the options shown." in response.get_data(as_text=True)
    assert poll_tables(p.app) == (0, [])


def test_minimum_choices(poll_app, login):
    p = poll_app()
    p.initiator.post(f"/p/{p.slug}/poll/questions/{p.q[1].id}", data={
        "text": "What is missing?", "kind": "multiple", "required": "", "options": "Benches\nTrees\nToilets\nLights",
        "min_choices": "2", "max_choices": "3", "max_length": "2000"})
    anna = login(p.app, p.people.anna)
    response = anna.post(f"/p/{p.slug}/poll", data=answer_data(p, multiple=(0,)))
    assert "Please choose at least 2 answers." in response.get_data(as_text=True)
    assert anna.post(f"/p/{p.slug}/poll", data=answer_data(p, multiple=())).status_code == 302  # optional


def test_answers_outside_the_phase_are_refused(poll_app, login, clock):
    p = poll_app(start=T0 + timedelta(days=2))
    anna = login(p.app, p.people.anna)
    response = anna.post(f"/p/{p.slug}/poll", data=answer_data(p))
    assert response.status_code == 403 and "Participation starts on 31 March 2026, 12:00." in response.get_data(as_text=True)
    page = anna.get(f"/p/{p.slug}/poll").get_data(as_text=True)
    assert "Participation starts on 31 March 2026, 12:00." in page and "Send my answers" not in page
    assert "How often do you visit?" in page  # the questions can be read in advance
    clock.set(END + timedelta(days=5))
    response = anna.post(f"/p/{p.slug}/poll", data=answer_data(p))
    assert response.status_code == 403 and "Participation ended on 8 April 2026, 12:00." in response.get_data(as_text=True)
    assert poll_tables(p.app) == (0, [])
    anonymous = p.app.test_client()
    clock.set(START + timedelta(days=3))
    response = anonymous.post(f"/p/{p.slug}/poll", data=answer_data(p))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert poll_tables(p.app) == (0, [])


def test_concurrent_submissions_of_one_person_store_one_answer_set(poll_app, login):
    p = poll_app()
    clients = [login(p.app, p.people.anna) for _ in range(8)]
    for client in clients:
        client.csrf_token()
    barrier = threading.Barrier(len(clients))
    statuses = []

    def submit(client, i):
        barrier.wait()
        statuses.append(client.post(f"/p/{p.slug}/poll", data=answer_data(p, single=i % 3, text=f"try {i}")).status_code)

    threads = [threading.Thread(target=submit, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [302] * len(clients)
    count, answers = poll_tables(p.app)
    assert count == 1
    assert len([a for a in answers if a[0] == p.q[0].id]) == 1 and len([a for a in answers if a[2]]) == 1


def _answer_all(p, login):
    login(p.app, p.people.anna).post(f"/p/{p.slug}/poll", data=answer_data(p, 0, (0, 1), "Shade please"))
    login(p.app, p.people.ben).post(f"/p/{p.slug}/poll", data=answer_data(p, 0, (1,), "=cmd|' /C calc'!A0"))
    login(p.app, p.people.moderator).post(f"/p/{p.slug}/poll", data=answer_data(p, 1, (1, 3), ""))


def test_results_visibility(poll_app, login, clock):
    p = poll_app()
    _answer_all(p, login)
    anna = login(p.app, p.people.anna)
    response = anna.get(f"/p/{p.slug}/poll/results")
    assert response.status_code == 403
    assert "The results will be shown when the poll ends on 8 April 2026, 12:00." in response.get_data(as_text=True)
    assert "Poll results" not in anna.get(f"/p/{p.slug}").get_data(as_text=True)

    page = p.initiator.get(f"/p/{p.slug}/poll/results").get_data(as_text=True)
    assert "Interim results" in page and "3 people answered the poll." in page
    assert "Shade please" in page

    clock.set(END)
    response = anna.get(f"/p/{p.slug}/poll/results")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Poll results" in anna.get(f"/p/{p.slug}").get_data(as_text=True)
    # Counts and percentages as text, the bar only as decoration beside them.
    assert re.search(r"<th scope=\"row\">Daily</th>\s*<td class=\"num\">2</td>\s*<td class=\"num\">66.7%</td>", page)
    assert re.search(r"<th scope=\"row\">Trees</th>\s*<td class=\"num\">3</td>\s*<td class=\"num\">100.0%</td>", page)
    assert 'width="66.7"' in page and 'aria-hidden="true"' in page
    assert "Shade please" not in page  # free texts are for initiators only
    assert "Free-text answers are read by the project's initiators" in page
    german = anna.get(f"/p/{p.slug}/poll/results", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "66,7" in german and "3 Personen haben an der Umfrage teilgenommen." in german


def test_results_show_no_names(poll_app, login):
    p = poll_app()
    _answer_all(p, login)
    page = p.initiator.get(f"/p/{p.slug}/poll/results").get_data(as_text=True)
    main = page.split('<main', 1)[1].split("</main>", 1)[0]
    for name in ("Anna", "Ben", "Moderator", "anna@example.org"):
        assert not re.search(rf"\b{name}\b", main)


def test_exports(poll_app, login):
    p = poll_app()
    _answer_all(p, login)
    text = p.initiator.get(f"/p/{p.slug}/export/poll_results.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    # The option's database key matches other plugins' columns but is no column people read.
    assert rows[0] == ["Question no.", "Question", "Type", "Option", "Count", "Percent", "Answered this question",
                       "Respondents"]
    assert ["1", "How often do you visit?", "Single choice", "Daily", "2", "66.7", "3", "3"] in rows
    assert ["3", "Anything else?", "Free text", "", "2", "", "2", "3"] in rows

    text = p.initiator.get(f"/p/{p.slug}/export/poll_answers.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Respondent", "Question no.", "Question", "Type", "Answer"]
    assert {r[0] for r in rows[1:]} == {"1", "2", "3"}
    assert any(r[4] == "'=cmd|' /C calc'!A0" for r in rows)  # formula injection defused by the core
    assert not any("anna" in ",".join(r).lower() for r in rows)

    response = p.initiator.get(f"/p/{p.slug}/export/poll_answers.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0] == ("Respondent", "Question no.", "Question", "Type", "Answer")
    assert len(values) == len(rows)
    assert login(p.app, p.people.anna).get(f"/p/{p.slug}/export/poll_results.csv").status_code == 403


def test_tabs_and_empty_states(make_app, users, login, project_with_phase):
    app = make_app(plugins=["voting"])
    people = users(app)
    slug, _ = project_with_phase(app, "poll", start=START, end=END, people=people)
    anna = login(app, people.anna)
    page = anna.get(f"/p/{slug}").get_data(as_text=True)
    assert f'href="/p/{slug}/poll"' in page  # the phase's "Take part" link
    assert f'href="/p/{slug}/poll/manage"' not in page
    assert "There is no poll in this project yet." in anna.get(f"/p/{slug}/poll").get_data(as_text=True)
    assert anna.get(f"/p/{slug}/poll/results").status_code == 404
    initiator = login(app, people.initiator)
    assert "Create the poll" in initiator.get(f"/p/{slug}").get_data(as_text=True)
    manage = initiator.get(f"/p/{slug}/manage").get_data(as_text=True)
    assert f'<a href="/p/{slug}/poll/manage">Poll builder</a> – Title, introduction and questions' in manage
    # The poll pages carry the project's header with the tab bar.
    assert 'class="project-title"' in anna.get(f"/p/{slug}/poll").get_data(as_text=True)
    builder = initiator.get(f"/p/{slug}/poll/manage").get_data(as_text=True)
    assert f'<a href="/p/{slug}/poll/manage" aria-current="page">Create the poll</a>' in builder


def test_deleting_the_poll(poll_app, login):
    p = poll_app()
    _answer_all(p, login)
    assert p.initiator.post(f"/p/{p.slug}/poll/delete").status_code == 302
    assert poll_tables(p.app) == (0, [])
    assert "There is no poll" in login(p.app, p.people.anna).get(f"/p/{p.slug}/poll").get_data(as_text=True)


def test_seed_demo(make_app):
    from core.demo import seed_demo

    app = make_app(plugins=["voting"])
    with app.app_context():
        seed_demo()
    client = app.test_client()
    page = client.get("/p/umfrage-stadtpark/poll").get_data(as_text=True)
    assert "Stadtpark der Zukunft" in page and "Was fehlt Ihnen im Park am meisten?" in page
    assert poll_tables(app)[0] == 4
