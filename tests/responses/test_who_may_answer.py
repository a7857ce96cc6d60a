"""Who may write official responses: editors, initiators and site admins; everyone else is refused on the server.

Tried for every item type (paragraph, comment, idea) and every write (publish,
delete): a visitor goes to the login page, a participant, the project's
moderator, the contributor and an editor of another project get 403, and
nothing is stored.
"""
from __future__ import annotations

import pytest

from tests.responses.conftest import response_url, stored_responses

ITEMS = ["paragraph", "comment", "idea"]
REFUSED = ["anna", "ben", "moderator", "other"]
ALLOWED = ["editor", "initiator", "admin"]


def _item_id(world, item_type):
    return getattr(world, item_type)


@pytest.mark.parametrize("item_type", ITEMS)
def test_a_visitor_is_sent_to_the_login_page(answered_site, login, item_type):
    app, world = answered_site
    client = login(app)
    url = response_url(world, item_type, _item_id(world, item_type))
    for response in (client.get(url), client.post(url, data={"response-text": "Nein"})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored_responses(app) == []


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("item_type", ITEMS)
def test_participants_moderators_and_other_projects_editors_are_refused(answered_site, login, role, item_type):
    app, world = answered_site
    client = login(app, getattr(world.users, role))
    url = response_url(world, item_type, _item_id(world, item_type))
    assert client.get(url).status_code == 403
    assert client.post(url, data={"response-text": "Ich antworte"}).status_code == 403
    assert stored_responses(app) == []


@pytest.mark.parametrize("role", ALLOWED)
@pytest.mark.parametrize("item_type", ITEMS)
def test_editors_initiators_and_admins_answer(answered_site, login, role, item_type):
    app, world = answered_site
    client = login(app, getattr(world.users, role))
    url = response_url(world, item_type, _item_id(world, item_type))
    assert client.get(url).status_code == 200
    response = client.post(url, data={"response-text": "Wir setzen das um."})
    assert response.status_code == 302
    assert stored_responses(app) == [(item_type, _item_id(world, item_type), "Wir setzen das um.",
                                      getattr(world.users, role).id)]


@pytest.mark.parametrize("role", REFUSED)
def test_only_responders_delete_a_response(answered_site, login, role):
    app, world = answered_site
    url = response_url(world, "idea", world.idea)
    login(app, world.users.editor).post(url, data={"response-text": "Angenommen."})
    assert login(app, getattr(world.users, role)).post(url + "/delete").status_code == 403
    assert len(stored_responses(app)) == 1
    assert login(app, world.users.initiator).post(url + "/delete").status_code == 302
    assert stored_responses(app) == []


def test_an_editor_may_answer_but_not_manage_the_project(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.editor)
    assert client.get(f"/p/{world.slug}/manage").status_code == 403
    assert client.post(f"/p/{world.slug}/manage/members", data={"email": "ben@example.org", "role": "editor"}
                       ).status_code == 403


def test_items_of_other_projects_and_unknown_types_are_not_found(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.admin)
    assert client.get(f"/p/anderswo/responses/idea/{world.idea}").status_code == 404
    assert client.get(response_url(world, "chapter", 1)).status_code == 404  # chapters do not offer responses
    assert client.get(response_url(world, "idea", 999999)).status_code == 404
    assert client.get(response_url(world, "idea", 2**70)).status_code == 404


def test_initiators_appoint_editors_on_the_management_page(answered_site, login):
    app, world = answered_site
    client = login(app, world.users.initiator)
    page = client.get(f"/p/{world.slug}/manage").text
    assert '<option value="editor">Editor (official responses)</option>' in page
    assert "Erika Editor (editor@example.org) – Editor (official responses)" in page
    client.post(f"/p/{world.slug}/manage/members", data={"email": "ben@example.org", "role": "editor"})
    ben = login(app, world.users.ben)
    assert ben.post(response_url(world, "idea", world.idea), data={"response-text": "Ja."}).status_code == 302
