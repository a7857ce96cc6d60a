"""Submitting, editing and withdrawing ideas; phase boundaries; moderation."""
from __future__ import annotations

import re
from datetime import timedelta

from core.extensions import db
from tests.conftest import T0
from tests.ideas.conftest import all_titles, get_idea, make_idea


def _token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def _form(client, slug):
    page = client.get(f"/p/{slug}/ideas/new").get_data(as_text=True)
    return {"token": _token(page)}


def test_participant_submits_an_idea_and_finds_it_in_the_list(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.anna)
    data = _form(client, ctx.slug) | {
        "title": "Mehr Bäume am Markt", "description": "Schatten für alle.\n\nUnd <b>Vögel</b>.",
        "category": str(ctx.categories["Grün"]), "location": "Marktplatz",
    }
    response = client.post(f"/p/{ctx.slug}/ideas/new", data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your idea has been published" in page
    assert "Mehr Bäume am Markt" in page and "Marktplatz" in page and "Grün" in page
    # Plain text becomes sanitized paragraphs: the tag is shown, never interpreted.
    assert "<p>Schatten für alle.</p><p>Und &lt;b&gt;Vögel&lt;/b&gt;.</p>" in page
    listing = client.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert "Mehr Bäume am Markt" in listing and "by Anna" in listing and "0 comments" in listing


def test_invalid_submission_shows_localized_errors_and_keeps_the_text(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.anna)
    data = _form(client, ctx.slug) | {"title": "", "description": "Mein langer Text über den Kiez", "category": ""}
    response = client.post(f"/p/{ctx.slug}/ideas/new", data=data, headers={"Accept-Language": "de"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dieses Feld wird benötigt." in page  # the empty title
    assert "Bitte wählen Sie eine Kategorie." in page
    assert "Mein langer Text über den Kiez</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert all_titles(ideas_app) == []


def test_too_long_fields_are_refused_and_nothing_is_lost(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.anna)
    long_title = "Bäume " * 30
    data = _form(client, ctx.slug) | {
        "title": long_title, "description": "x" * 5001, "category": str(ctx.categories["Grün"]),
    }
    response = client.post(f"/p/{ctx.slug}/ideas/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Field must be between 3 and 160 characters long." in page
    assert "Field cannot be longer than 5000 characters." in page
    assert long_title.strip() in page and "x" * 5001 in page
    assert all_titles(ideas_app) == []


def test_category_is_required_only_when_the_project_has_categories(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app, categories=())
    client = login(ideas_app, ctx.people.anna)
    page = client.get(f"/p/{ctx.slug}/ideas/new").get_data(as_text=True)
    assert 'name="category"' not in page
    data = {"token": _token(page), "title": "Ohne Kategorie", "description": "Geht auch."}
    assert client.post(f"/p/{ctx.slug}/ideas/new", data=data).status_code == 302
    assert all_titles(ideas_app) == ["Ohne Kategorie"]


def test_a_category_of_another_project_is_refused(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.anna)
    data = _form(client, ctx.slug) | {"title": "Trick", "description": "x", "category": "999"}
    assert client.post(f"/p/{ctx.slug}/ideas/new", data=data).status_code == 400
    assert all_titles(ideas_app) == []


def test_a_double_click_stores_the_idea_once(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.anna)
    data = _form(client, ctx.slug) | {"title": "Einmal bitte", "description": "x", "category": str(ctx.categories["Grün"])}
    first = client.post(f"/p/{ctx.slug}/ideas/new", data=dict(data))
    second = client.post(f"/p/{ctx.slug}/ideas/new", data=dict(data))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert all_titles(ideas_app) == ["Einmal bitte"]
    # A fresh form (new token) is a new idea.
    data = _form(client, ctx.slug) | {"title": "Noch eine", "description": "x", "category": str(ctx.categories["Grün"])}
    assert client.post(f"/p/{ctx.slug}/ideas/new", data=data).status_code == 302
    assert all_titles(ideas_app) == ["Einmal bitte", "Noch eine"]


def test_anonymous_visitors_are_sent_to_log_in(ideas_app, setup_ideas):
    ctx = setup_ideas(ideas_app)
    client = ideas_app.test_client()
    response = client.post(f"/p/{ctx.slug}/ideas/new", data={"title": "Anonym", "description": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert "to take part." in page and "Submit an idea" not in page
    assert all_titles(ideas_app) == []


def test_authors_edit_their_own_ideas_only(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Alter Titel", "Alter Text", "Grün")
    anna = login(ideas_app, ctx.people.anna)
    page = anna.get(f"/p/{ctx.slug}/ideas/{idea_id}").get_data(as_text=True)
    assert "Edit your idea" in page
    form = anna.get(f"/p/{ctx.slug}/ideas/{idea_id}/edit").get_data(as_text=True)
    assert 'value="Alter Titel"' in form and "Alter Text</textarea>" in form
    data = {"title": "Neuer Titel", "description": "Neuer Text", "category": str(ctx.categories["Verkehr"])}
    assert anna.post(f"/p/{ctx.slug}/ideas/{idea_id}/edit", data=data).status_code == 302
    idea = get_idea(ideas_app, idea_id)
    assert (idea.title, idea.description_text, idea.category_id) == ("Neuer Titel", "Neuer Text", ctx.categories["Verkehr"])
    assert idea.updated_at is not None

    ben = login(ideas_app, ctx.people.ben)
    assert "Edit your idea" not in ben.get(f"/p/{ctx.slug}/ideas/{idea_id}").get_data(as_text=True)
    assert ben.get(f"/p/{ctx.slug}/ideas/{idea_id}/edit").status_code == 403
    response = ben.post(f"/p/{ctx.slug}/ideas/{idea_id}/edit", data={"title": "Gekapert", "description": "x"})
    assert response.status_code == 403 and "Only its author may change an idea." in response.get_data(as_text=True)
    assert ben.post(f"/p/{ctx.slug}/ideas/{idea_id}/delete").status_code == 403
    # Moderators moderate, they do not rewrite.
    assert login(ideas_app, ctx.people.moderator).post(f"/p/{ctx.slug}/ideas/{idea_id}/edit", data={"title": "Mod"}).status_code == 403
    assert all_titles(ideas_app) == ["Neuer Titel"]


def test_authors_withdraw_their_own_idea(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Doch nicht", category="Grün")
    anna = login(ideas_app, ctx.people.anna)
    response = anna.post(f"/p/{ctx.slug}/ideas/{idea_id}/delete")
    assert response.status_code == 302
    assert "Your idea has been withdrawn." in anna.get(response.headers["Location"]).get_data(as_text=True)
    assert all_titles(ideas_app) == []
    assert anna.get(f"/p/{ctx.slug}/ideas/{idea_id}").status_code == 404


def test_an_idea_of_another_project_is_not_found(ideas_app, setup_ideas, login, project_with_phase):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Hier", category="Grün")
    project_with_phase(ideas_app, "ideas", start=T0, end=T0 + timedelta(days=1), slug="other")
    assert login(ideas_app, ctx.people.anna).get(f"/p/other/ideas/{idea_id}").status_code == 404


# ---------------------------------------------------------------------------
# Phase boundaries
# ---------------------------------------------------------------------------


def test_before_the_phase_nothing_is_stored_and_the_start_is_named(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app, start=T0 + timedelta(days=1), end=T0 + timedelta(days=5))
    client = login(ideas_app, ctx.people.anna)
    response = client.post(f"/p/{ctx.slug}/ideas/new", data={"title": "Zu früh", "description": "x",
                                                              "category": str(ctx.categories["Grün"])})
    assert response.status_code == 403
    assert "Participation starts on 30 March 2026, 12:00." in response.get_data(as_text=True)
    assert client.get(f"/p/{ctx.slug}/ideas/new").status_code == 403
    assert all_titles(ideas_app) == []


def test_after_the_phase_ideas_stay_readable_but_forms_are_gone(ideas_app, setup_ideas, login, clock):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Bleibt lesbar", "Text bleibt", "Grün")
    clock.set(ctx.end + timedelta(hours=1))
    anna = login(ideas_app, ctx.people.anna)
    listing = anna.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert "Bleibt lesbar" in listing
    assert "Participation ended on 8 April 2026, 12:00." in listing
    assert "Submit an idea" not in listing
    page = anna.get(f"/p/{ctx.slug}/ideas/{idea_id}").get_data(as_text=True)
    assert "Text bleibt" in page and "Edit your idea" not in page and "Withdraw" not in page
    response = anna.post(f"/p/{ctx.slug}/ideas/new", data={"title": "Zu spät", "description": "x",
                                                           "category": str(ctx.categories["Grün"])})
    assert response.status_code == 403
    response = anna.post(f"/p/{ctx.slug}/ideas/{idea_id}/edit", data={"title": "Zu spät", "description": "x",
                                                                      "category": str(ctx.categories["Grün"])},
                         headers={"Accept-Language": "de"})
    assert response.status_code == 403
    assert "Die Beteiligung endete am 8. April 2026, 12:00 Uhr." in response.get_data(as_text=True)
    assert anna.post(f"/p/{ctx.slug}/ideas/{idea_id}/delete").status_code == 403
    assert all_titles(ideas_app) == ["Bleibt lesbar"]
    # The project keeps its "Ideas" tab.
    assert f'href="/p/{ctx.slug}/ideas"' in anna.get(f"/p/{ctx.slug}").get_data(as_text=True)


def test_the_last_second_of_the_phase_still_counts(ideas_app, setup_ideas, login, clock):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.anna)
    data = _form(client, ctx.slug) | {"title": "Knapp", "description": "x", "category": str(ctx.categories["Grün"])}
    clock.set(ctx.end - timedelta(seconds=1))
    assert client.post(f"/p/{ctx.slug}/ideas/new", data=data).status_code == 302
    clock.set(ctx.end)
    data = data | {"token": "other-token", "title": "Zu knapp"}
    assert client.post(f"/p/{ctx.slug}/ideas/new", data=data).status_code == 403
    assert all_titles(ideas_app) == ["Knapp"]


# ---------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------


def test_moderators_hide_and_restore_ideas_with_a_reason(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Max Mustermann wohnt in Nr. 5", "Privat", "Grün")
    url = f"/p/{ctx.slug}/ideas/{idea_id}"
    ben = login(ideas_app, ctx.people.ben)
    assert "Hide the idea" not in ben.get(url).get_data(as_text=True)
    assert ben.post(f"{url}/hide", data={"reason": "Spam"}).status_code == 403
    assert get_idea(ideas_app, idea_id).hidden_at is None

    moderator = login(ideas_app, ctx.people.moderator)
    response = moderator.post(f"{url}/hide", data={"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
    assert moderator.post(f"{url}/hide", data={"reason": "Enthält persönliche Daten"}).status_code == 302
    idea = get_idea(ideas_app, idea_id)
    assert idea.hidden_by_id == ctx.people.moderator.id and idea.hidden_at == T0

    page = ben.get(url).get_data(as_text=True)
    assert "Hidden by moderation: Enthält persönliche Daten" in page
    assert "Max Mustermann" not in page and "Privat" not in page
    assert "Max Mustermann" not in ben.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert "Max Mustermann" not in ideas_app.test_client().get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    # The author and the moderators still see it, marked.
    author_list = login(ideas_app, ctx.people.anna).get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert "Max Mustermann" in author_list and "Hidden by moderation: Enthält persönliche Daten" in author_list
    mod_page = moderator.get(url).get_data(as_text=True)
    assert "Privat" in mod_page and "Hidden by Moderator on 29 March 2026, 12:00." in mod_page
    # A hidden idea cannot be edited by its author.
    assert login(ideas_app, ctx.people.anna).get(f"{url}/edit").status_code == 403

    assert ben.post(f"{url}/restore").status_code == 403
    assert moderator.post(f"{url}/restore").status_code == 302
    idea = get_idea(ideas_app, idea_id)
    assert idea.hidden_at is None and idea.restored_by_id == ctx.people.moderator.id
    assert "Max Mustermann" in ben.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)


def test_the_discussion_of_a_hidden_idea_leaves_the_site_for_all_but_moderators(ideas_app, setup_ideas, login):
    from plugins.comments.api import add_comment

    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Werbung für meinen Laden", category="Grün")
    with ideas_app.app_context():
        from core.models import User
        from plugins.ideas.models import Idea

        idea = db.session.get(Idea, idea_id)
        comment = add_comment("idea", idea_id, idea.project, db.session.get(User, ctx.people.ben.id), "Kaufen!")
        reply = add_comment("idea", idea_id, idea.project, db.session.get(User, ctx.people.anna.id), "Ja!", parent=comment)
        db.session.commit()
        comment_id, reply_id = comment.id, reply.id
    urls = [f"/comments/idea/{idea_id}", f"/comments/idea/{idea_id}/more?page=2", f"/comments/c/{comment_id}",
            f"/comments/c/{reply_id}", f"/comments/c/{comment_id}/replies"]
    readers = [login(ideas_app), login(ideas_app, ctx.people.ben), login(ideas_app, ctx.people.anna)]
    assert readers[0].get(urls[0]).status_code == 200  # public while the idea is
    moderator = login(ideas_app, ctx.people.moderator)
    assert moderator.post(f"/p/{ctx.slug}/ideas/{idea_id}/hide", data={"reason": "Werbung"}).status_code == 302
    for client in readers:  # visitors, participants and the idea's own author
        for url in urls:
            assert client.get(url, headers={"HX-Request": "true"} if "more" in url or "replies" in url else {}).status_code == 404, url
        assert client.post(urls[0], data={"text": "Noch was"}).status_code == 404
        assert client.post(f"/comments/c/{comment_id}/vote", data={"value": "agree"}).status_code == 404
    page = moderator.get(urls[0]).get_data(as_text=True)
    assert "Kaufen!" in page and "Show 1 reply" in page
    thread = moderator.get(urls[2]).get_data(as_text=True)
    assert "Kaufen!" in thread and "Ja!" in thread


def test_initiators_moderate_too(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Werbung", category="Grün")
    initiator = login(ideas_app, ctx.people.initiator)
    assert initiator.post(f"/p/{ctx.slug}/ideas/{idea_id}/hide", data={"reason": "Werbung"}).status_code == 302
    assert get_idea(ideas_app, idea_id).hidden_reason == "Werbung"
