"""What participants see: the marking, the organisation, the date, the status and the sanitized text."""
from __future__ import annotations

from tests.responses.conftest import response_url, stored_responses

ATTACK = '<p>Gut <b>so</b> <script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a></p>'


def _answer(app, login, world, item_type, item_id, text, **extra):
    client = login(app, world.users.editor)
    assert client.post(response_url(world, item_type, item_id), data={"response-text": text, **extra}
                       ).status_code == 302
    return client


def test_the_idea_page_shows_the_marked_response_with_organisation_date_and_status(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, "idea", world.idea, "Wir stellen zehn Bügel auf.", **{"response-status": "accepted"})
    page = login(app).get(f"/p/{world.slug}/ideas/{world.idea}").text
    assert '<h2 class="official-response-heading"' in page and "Official response" in page
    assert "Stadt Beispielstadt, Amt für Verkehr" in page
    assert "Wir stellen zehn Bügel auf." in page
    assert "Accepted" in page and 'class="official-response-icon" aria-hidden="true"' in page
    assert "Erika Editor" not in page  # the organisation speaks, not the person who typed it


def test_text_is_sanitized_and_escaped(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, "comment", world.comment, ATTACK)
    [(_type, _id, html, _author)] = stored_responses(app)
    assert "<script>" not in html and "onerror" not in html and "javascript:" not in html
    assert "<b>so</b>" in html
    page = login(app, world.users.anna).get(f"/comments/c/{world.comment}").text
    assert "<script>alert(1)" not in page and "onerror=" not in page
    assert "<b>so</b>" in page


def test_the_response_to_a_paragraph_stands_above_its_discussion(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, "paragraph", world.paragraph, "Zur ganzen Diskussion: danke!")
    page = login(app).get(f"/p/{world.slug}/documents/paragraph/{world.paragraph}").text
    assert page.index("Zur ganzen Diskussion") < page.index("Der Bahnhofsring zuerst!")


def test_the_response_to_a_comment_stands_in_the_comment(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, "comment", world.comment, "Kommt 2027.")
    page = login(app).get(f"/p/{world.slug}/documents/paragraph/{world.paragraph}").text
    article = page[page.index(f'id="comment-{world.comment}"'):]
    assert "Official response" in article[:article.index("</article>")]
    assert "Kommt 2027." in article[:article.index("</article>")]


def test_the_organisation_falls_back_to_the_deployments_name(answered_site, login):
    app, world = answered_site
    from core.extensions import db
    from core.models import Project

    with app.app_context():
        db.session.scalar(db.select(Project).where(Project.slug == world.slug)).organisation = ""
        db.session.commit()
    _answer(app, login, world, "idea", world.idea, "Ja.")
    assert "Mitsprache" in login(app).get(f"/p/{world.slug}/ideas/{world.idea}").text.split("official-response-org")[1][:80]
    app.config["ORGANISATION_NAME"] = "Stadt Musterstadt"
    assert "Stadt Musterstadt" in login(app).get(f"/p/{world.slug}/ideas/{world.idea}").text


def test_german_readers_see_offizielle_antwort(answered_site, login):
    app, world = answered_site
    _answer(app, login, world, "idea", world.idea, "Ja.", **{"response-status": "partly_accepted"})
    page = login(app).get(f"/p/{world.slug}/ideas/{world.idea}", headers={"Accept-Language": "de"}).text
    assert "Offizielle Antwort" in page and "Teilweise angenommen" in page


def test_editors_see_how_to_answer_others_do_not(answered_site, login):
    app, world = answered_site
    url = f"/p/{world.slug}/ideas/{world.idea}"
    assert "Write an official response" in login(app, world.users.editor).get(url).text
    for who in (None, world.users.anna, world.users.moderator):
        assert "Write an official response" not in login(app, who).get(url).text


def test_editing_replaces_the_text_and_keeps_the_first_date(answered_site, login, clock):
    from datetime import timedelta

    from plugins.responses.models import Response
    from core.extensions import db

    app, world = answered_site
    client = _answer(app, login, world, "idea", world.idea, "Erste Fassung.")
    clock.advance(days=2)
    client.post(response_url(world, "idea", world.idea), data={"response-text": "Zweite Fassung."})
    with app.app_context():
        [row] = db.session.scalars(db.select(Response)).all()
        assert row.text_html == "Zweite Fassung."
        assert row.updated_at - row.created_at == timedelta(days=2)
    page = login(app).get(f"/p/{world.slug}/ideas/{world.idea}").text
    assert "Erste Fassung" not in page and "(updated)" in page


def test_deleting_removes_the_response_and_keeps_the_status(answered_site, login):
    app, world = answered_site
    client = _answer(app, login, world, "idea", world.idea, "Abgelehnt, weil …", **{"response-status": "rejected"})
    assert client.post(response_url(world, "idea", world.idea, "/delete")).status_code == 302
    page = login(app).get(f"/p/{world.slug}/ideas/{world.idea}").text
    assert "Official response" not in page and "Rejected" in page


def test_bad_input_is_a_clear_error_not_a_500(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.editor)
    url = response_url(world, "idea", world.idea)
    empty = client.post(url, data={"response-text": "  "})
    assert empty.status_code == 400 and "This field is required." in empty.text
    long = client.post(url, data={"response-text": "x" * 10001})
    assert long.status_code == 400
    status = client.post(url, data={"response-text": "Ja", "response-status": "bogus"})
    assert status.status_code == 400 and "Not a valid choice" in status.text
    assert stored_responses(app) == []


def test_htmx_answers_in_place(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.editor)
    url = response_url(world, "comment", world.comment)
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.text.lstrip().startswith('<div class="responses-slot"') and "<html" not in form.text
    done = client.post(url, data={"response-text": "Danke."}, headers={"HX-Request": "true"})
    assert done.status_code == 200 and "Official response" in done.text and 'role="status"' in done.text
    gone = client.post(url + "/delete", headers={"HX-Request": "true"})
    assert "Write an official response" in gone.text and "has been deleted" in gone.text


def test_cached_pages_show_a_response_at_once_and_lose_it_when_deleted(answered_site, login):
    """Anonymous pages come from the cache; a response (also to a single comment) is part of what they show."""
    app, world = answered_site
    anonymous = login(app)
    pages = {
        "paragraph": f"/p/{world.slug}/documents/paragraph/{world.paragraph}",
        "comment": f"/p/{world.slug}/documents/paragraph/{world.paragraph}",
        "idea": f"/p/{world.slug}/ideas/{world.idea}",
    }
    for item_type, page in pages.items():
        item_id = getattr(world, item_type)
        assert "Antwort-" + item_type not in anonymous.get(page).text  # now in the cache
        editor = _answer(app, login, world, item_type, item_id, "Antwort-" + item_type)
        assert "Antwort-" + item_type in anonymous.get(page).text
        assert editor.post(response_url(world, item_type, item_id, "/delete")).status_code == 302
        assert "Antwort-" + item_type not in anonymous.get(page).text
