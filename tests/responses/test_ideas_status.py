"""Idea statuses: set with the official response, shown as a badge, filtered on the list, exported."""
from __future__ import annotations

import csv
import io

from tests.responses.conftest import response_url


def _answer(app, login, world, idea_id, status, text="Begründung."):
    client = login(app, world.users.editor)
    assert client.post(response_url(world, "idea", idea_id),
                       data={"response-text": text, "response-status": status}).status_code == 302


def test_the_form_offers_the_statuses_of_ideas_but_not_of_comments(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.editor)
    form = client.get(response_url(world, "idea", world.idea)).text
    for label in ("Under review", "Accepted", "Partly accepted", "Rejected", "Implemented"):
        assert f">{label}</option>" in form
    assert 'name="response-status"' not in client.get(response_url(world, "comment", world.comment)).text


def test_badge_on_list_and_page(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, world.idea, "implemented")
    reader = login(app)
    listing = reader.get(f"/p/{world.slug}/ideas").text
    assert 'class="badge idea-status idea-status-implemented"' in listing and "Implemented" in listing
    assert "Implemented" in reader.get(f"/p/{world.slug}/ideas/{world.idea}").text


def test_filter_by_status_combines_with_search_and_ignores_bad_values(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, world.idea, "accepted")
    _answer(app, login, world, world.idea2, "rejected")
    reader = login(app)
    titles = lambda html: [t for t in ("Mehr Fahrradbügel", "Sichere Querung") if t in html]  # noqa: E731
    base = f"/p/{world.slug}/ideas"
    page = reader.get(base).text
    assert '<select id="idea-status" name="status">' in page
    assert titles(reader.get(base + "?status=accepted").text) == ["Mehr Fahrradbügel"]
    assert titles(reader.get(base + "?status=rejected").text) == ["Sichere Querung"]
    assert titles(reader.get(base + "?status=rejected&q=Mehr").text) == []
    assert titles(reader.get(base + "?status=accepted&q=Bügel").text) == ["Mehr Fahrradbügel"]
    assert titles(reader.get(base + "?status=nonsense").text) == ["Mehr Fahrradbügel", "Sichere Querung"]
    fragment = reader.get(base + "?status=accepted", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and titles(fragment.text) == ["Mehr Fahrradbügel"]


def test_status_and_response_columns_in_the_ideas_export(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, world.idea, "partly_accepted", "<p>Zum Teil: <b>fünf</b> Bügel.</p>")
    response = login(app, world.users.initiator).get(f"/p/{world.slug}/export/ideas.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";" if ";" in response.get_data(as_text=True).splitlines()[0] else ","))
    header = rows[0]
    assert "Official response" in header and "Responded on" in header
    by_title = {row[header.index(next(h for h in header if h.lower() == "title"))]: row for row in rows[1:]}
    answered = by_title["Mehr Fahrradbügel"]
    assert answered[header.index("Official response")] == "Zum Teil: fünf Bügel."
    assert answered[header.index("Responded on")]
    assert answered[header.index("Decision")] == "Partly accepted"
    assert by_title["Sichere Querung"][header.index("Official response")] == ""


def test_comment_responses_in_the_comments_export(answered_site, login):
    app, world = answered_site
    login(app, world.users.editor).post(response_url(world, "comment", world.comment), data={"response-text": "Danke."})
    text = login(app, world.users.initiator).get(f"/p/{world.slug}/export/comments.csv").get_data(as_text=True)
    assert "Official response" in text.splitlines()[0] and "Danke." in text
