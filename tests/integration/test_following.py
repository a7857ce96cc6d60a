"""Following projects: from the first contribution on (a comment, an idea, a vote, a poll answer), until "Unfollow"."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from core.following import followed_projects, follower_ids
from core.models import Project, User
from tests.integration import account_world
from tests.integration.conftest import RATING_START, make_people, submit_idea, support

HX = {"HX-Request": "true"}


def _follows(app, user_id) -> list[str]:
    with app.app_context():
        return sorted(p.slug for p in followed_projects(db.session.get(User, user_id)))


def _button(page: str) -> str:
    return re.search(r'<div class="follow" id="follow-\d+">.*?</div>', page, re.S).group(0)


@pytest.fixture
def world(kiez, login, clock):
    return account_world.build(kiez, login, clock)


def test_each_first_contribution_follows_its_project(kiez, login, clock):
    k = kiez()
    people = make_people(k.app, 3, prefix="follower")
    commenter, author, voter = (login(k.app, p) for p in people)
    idea = submit_idea(author, k, "Trinkbrunnen")
    assert _follows(k.app, people[1].id) == ["kiezfonds"]
    assert _follows(k.app, people[0].id) == []
    account_world.comment(commenter, "idea", idea, "Gute Idee")
    assert _follows(k.app, people[0].id) == ["kiezfonds"]
    clock.set(RATING_START)
    assert _follows(k.app, people[2].id) == []
    assert support(voter, idea).status_code == 302
    assert _follows(k.app, people[2].id) == ["kiezfonds"]
    with k.app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == "kiezfonds"))
        assert follower_ids(project) == sorted(p.id for p in people)


def test_a_poll_answer_follows_the_poll_s_project(world):
    assert _follows(world.app, world.people.ben.id) == ["kiezfonds", "umfrage"]


def test_unfollow_without_javascript_is_kept_by_later_contributions(world):
    page = world.zora.get("/p/kiezfonds").get_data(as_text=True)
    assert "You follow this project." in _button(page) and ">Unfollow<" in _button(page)
    response = world.zora.post("/p/kiezfonds/follow", data={"following": "0", "next": "/p/kiezfonds"})
    assert response.status_code == 302 and response.headers["Location"] == "/p/kiezfonds"
    page = world.zora.get("/p/kiezfonds").get_data(as_text=True)
    assert "You no longer follow this project." in page and ">Follow<" in _button(page)
    assert _follows(world.app, world.ids.zora) == ["umfrage"]
    # Another contribution does not make her follow again: she said no.
    assert support(world.zora, world.bens_idea, value=0).status_code == 302
    assert support(world.zora, world.bens_idea).status_code == 302
    assert _follows(world.app, world.ids.zora) == ["umfrage"]
    # Only the button does.
    world.zora.post("/p/kiezfonds/follow", data={"following": "1"})
    assert _follows(world.app, world.ids.zora) == ["kiezfonds", "umfrage"]


def test_the_button_replaces_itself_with_htmx(world):
    response = world.zora.post("/p/kiezfonds/follow", data={"following": "0"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.startswith('<div class="follow"') and ">Follow<" in body and "<html" not in body
    assert 'hx-swap-oob="innerHTML:#flash"' in body and "You no longer follow this project." in body
    again = world.zora.post("/p/kiezfonds/follow", data={"following": "1"}, headers=HX).get_data(as_text=True)
    assert ">Unfollow<" in again and "You follow this project now." in again


def test_visitors_are_asked_to_log_in_and_private_projects_stay_hidden(world, login):
    visitor = login(world.app)
    page = visitor.get("/p/kiezfonds").get_data(as_text=True)
    assert "Log in to follow" in _button(page) and "csrf_token" not in page
    assert visitor.post("/p/kiezfonds/follow", data={"following": "1"}).headers["Location"].startswith("/login")
    with world.app.app_context():
        from core.services import create_project

        create_project("intern", "Intern", "", is_public=False)
        db.session.commit()
    assert world.ben.post("/p/intern/follow", data={"following": "1"}).status_code == 404
    assert _follows(world.app, world.people.ben.id) == ["kiezfonds", "umfrage"]


def test_my_participation_unfollows_and_returns(world):
    page = world.zora.get("/account/participation").get_data(as_text=True)
    assert page.count('class="follow"') == 2
    response = world.zora.post("/p/umfrage/follow", data={"following": "0", "next": "/account/participation"},
                               follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You no longer follow this project." in page and "My participation" in page
    section = re.search(r'<section aria-labelledby="h-following">.*?</section>', page, re.S).group(0)
    assert "Kiezfonds" in section and "Umfrage Stadtpark" not in section
    # Her poll answers are still listed among her contributions.
    assert "Poll answers" in page
