"""DSGVO rights across every built-in plugin: the data download (Art. 15/20) and deleting the account (Art. 17).

Zora (tests/integration/account_world.py) has taken part in every way there is.
Her download must hold each contribution; after she deletes her account, no
table may hold her name or address any more (every text column of every table
is scanned, on SQLite and PostgreSQL), while comment, vote and poll counts stay
exactly as they were (or, where the deployment removes contributions, drop by
hers alone).
"""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import MetaData, Table, select

from core.extensions import db
from core.models import User
from tests.integration import account_world
from tests.integration.account_world import EMAIL, NAME, PASSWORD


@pytest.fixture
def world(kiez, login, clock):
    return account_world.build(kiez, login, clock)


def _download(client):
    response = client.get("/account/data.zip")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mitsprache-data-2026-03-31.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["data.json", "index.html"]
    return json.loads(archive.read("data.json")), archive.read("index.html").decode()


def test_the_download_holds_the_account_and_every_contribution(world):
    data, page = _download(world.zora)
    assert data["account"]["email"] == EMAIL and data["account"]["display_name"] == NAME
    assert "password_hash" not in data["account"] and "session_version" not in data["account"]
    assert [p["title"] for p in data["following"]] == ["Umfrage Stadtpark", "Kiezfonds"]  # newest first
    by_kind = {}
    for entry in data["contributions"]:
        by_kind.setdefault(entry["kind"], []).append(entry)
    assert sorted(by_kind) == ["comment", "comment_rating", "idea", "poll_answers", "reply", "report", "vote"]
    assert by_kind["idea"][0]["data"]["description"] == "Im Sommer fehlt Wasser."
    assert by_kind["idea"][0]["data"]["location"] == "Marktplatz"
    assert by_kind["idea"][0]["url"] == f"http://localhost/p/kiezfonds/ideas/{world.own_idea}"
    assert by_kind["comment"][0]["data"]["text"] == "Gute Idee, besonders für Ältere."
    assert by_kind["comment"][0]["data"]["on"] == "Idea: Bänke am Kanal"
    assert by_kind["reply"][0]["data"]["text"] == "Die Stadtwerke haben zugesagt."
    assert by_kind["reply"][0]["data"]["reply_to"] == world.bens_comment
    assert by_kind["comment_rating"][0]["data"] == {"comment_id": world.bens_comment, "value": "agree",
                                                    "created_at": "2026-03-29T10:00:00+00:00"}
    assert by_kind["report"][0]["data"]["text"] == "Bitte prüfen"
    assert sorted(v["title"] for v in by_kind["vote"]) == ["Idea: Bänke am Kanal", "Idea: Trinkbrunnen am Markt"]
    assert {v["label"] for v in by_kind["vote"]} == {"Supported"}
    assert by_kind["poll_answers"][0]["data"]["answers"] == [
        {"question": "Mehr Schatten?", "answer": "Ja"}, {"question": "Was noch?", "answer": "Ich wohne direkt am Park."}]
    assert all(entry["project"]["slug"] in ("kiezfonds", "umfrage") for entry in data["contributions"])
    # What she was told: Ben's reply to her idea's discussion, with what it said.
    assert any("Wer wartet den Brunnen?" in json.dumps(n["payload"], ensure_ascii=False) for n in data["notifications"])
    assert isinstance(data["notification_settings"], dict)
    # The readable page says the same, for people.
    for text in (NAME, EMAIL, "Trinkbrunnen am Markt", "Gute Idee, besonders für Ältere.", "Die Stadtwerke haben zugesagt.",
                 "Ich wohne direkt am Park.", "Reply to a comment", "Poll answers", "Umfrage Stadtpark"):
        assert text in page, text


def test_the_download_needs_a_login_and_is_never_cached(world, login):
    assert login(world.app).get("/account/data.zip").headers["Location"].startswith("/login")
    assert world.zora.get("/account/data.zip").headers["Cache-Control"] == "no-store"
    other, _page = _download(world.ben)
    assert NAME not in json.dumps(other, ensure_ascii=False)


def test_my_participation_lists_followed_projects_and_every_contribution(world):
    page = world.zora.get("/account/participation").get_data(as_text=True)
    for text in ("Projects you follow", "Kiezfonds", "Umfrage Stadtpark", "Trinkbrunnen am Markt",
                 "Gute Idee, besonders für Ältere.", "Die Stadtwerke haben zugesagt.", "Agreed with a comment",
                 "Report to the moderators", "Poll answers", "Supported", "Your contributions <span class=\"count\">(8)</span>"):
        assert text in page, text


def test_my_participation_comes_in_pages_newest_first(world, monkeypatch):
    """A person active for years gets pages: together they hold every contribution once, newest first."""
    import re

    from core.views import following

    monkeypatch.setattr(following, "CONTRIBUTIONS_PER_PAGE", 3)
    entries = re.compile(r'<span class="badge">')
    pages = [world.zora.get("/account/participation" + (f"?page={n}" if n > 1 else "")).get_data(as_text=True)
             for n in (1, 2, 3)]
    assert [len(entries.findall(page)) for page in pages] == [3, 3, 2]
    assert all('Your contributions <span class="count">(8)</span>' in page for page in pages)
    assert "Page 1 of 3" in pages[0] and 'rel="next" href="/account/participation?page=2"' in pages[0]
    assert 'rel="prev"' not in pages[0]
    assert 'rel="prev" href="/account/participation"' in pages[1] and "Page 2 of 3" in pages[1]
    assert 'rel="prev" href="/account/participation?page=2"' in pages[2] and 'rel="next"' not in pages[2]
    # Followed projects stay on every page; a page past the end (an old link) leads to the last one.
    assert all("Projects you follow" in page for page in pages)
    beyond = world.zora.get("/account/participation?page=9")
    assert beyond.status_code == 302 and beyond.headers["Location"].endswith("/account/participation?page=3")
    assert world.zora.get("/account/participation?page=abc").status_code == 200
    german = world.zora.get("/account/participation?page=2", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Seite 2 von 3" in german


def _scan(app, *needles: str) -> list[str]:
    """Every value of every column of every table that contains one of ``needles`` (case-insensitive)."""
    found = []
    with app.app_context():
        engine = db.engine
        inspector = db.inspect(engine)
        metadata = MetaData()
        with engine.connect() as connection:
            for name in inspector.get_table_names():
                table = Table(name, metadata, autoload_with=connection)
                for row in connection.execute(select(table)):
                    for column, value in zip(table.columns, row):
                        text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
                        if any(needle.lower() in (text or "").lower() for needle in needles):
                            found.append(f"{name}.{column.name}: {text[:80]}")
    assert found or inspector.get_table_names(), "no tables scanned"
    return found


def _counts(world):
    from plugins.comments.api import comment_counts
    from plugins.voting.api import vote_counts
    from plugins.voting.models import Answer, Response

    ideas = [world.own_idea, world.bens_idea]
    with world.app.app_context():
        return {
            "comments": comment_counts("idea", ideas),
            "votes": {i: c["up"] for i, c in vote_counts("idea", ideas).items()},
            "respondents": db.session.scalar(select(db.func.count(Response.id))),
            "yes": db.session.scalar(select(db.func.count(Answer.id)).where(Answer.option_id == world.ids.yes)),
        }


def test_deleting_the_account_leaves_no_name_or_address_and_every_count_as_it_was(world, login):
    assert _scan(world.app, NAME, EMAIL, "quellenberg")  # the scan finds her while she is there
    before = _counts(world)
    assert before == {"comments": {world.own_idea: 2, world.bens_idea: 1}, "votes": {world.own_idea: 2, world.bens_idea: 1},
                      "respondents": 2, "yes": 2}
    phone = login(world.app, world.people.zora)

    wrong = world.zora.post("/account/delete", data={"current_password": "not it"})
    assert wrong.status_code == 400 and "This is not your current password." in wrong.get_data(as_text=True)
    response = world.zora.post("/account/delete", data={"current_password": PASSWORD}, follow_redirects=True)
    assert "Your account has been deleted. Thank you for taking part." in response.get_data(as_text=True)
    assert "Log out" not in response.get_data(as_text=True)

    assert _scan(world.app, NAME, EMAIL, "quellenberg", "zora") == []
    assert _counts(world) == before
    # Her free-text poll answer went (it may say anything about her); her choice still counts.
    assert "Ich wohne direkt am Park." not in json.dumps(_scan(world.app, "Ich wohne"))
    # Sessions ended everywhere; nobody logs in with the old address.
    assert phone.get("/account").headers["Location"].startswith("/login")
    stranger = world.app.test_client()
    assert "E-mail address or password is wrong." in stranger.post(
        "/login", data={"email": EMAIL, "password": PASSWORD}).get_data(as_text=True)
    # Her contributions stay, as from a deleted account.
    idea = world.ben.get(f"/p/kiezfonds/ideas/{world.own_idea}").get_data(as_text=True)
    assert "Trinkbrunnen am Markt" in idea and "Deleted account" in idea
    thread = world.ben.get(f"/comments/c/{world.bens_comment}").get_data(as_text=True)  # her reply to Ben
    assert "Deleted account" in thread and "Die Stadtwerke haben zugesagt." in thread
    with world.app.app_context():
        user = db.session.get(User, world.ids.zora)
        assert user.deleted_at is not None and user.email == f"deleted-{user.id}@deleted.invalid"
        assert not user.check_password(PASSWORD) and not user.is_admin


def test_a_deployment_may_remove_the_contributions_too(world):
    world.app.config["DELETED_CONTRIBUTIONS"] = "remove"  # as deleted_contributions = "remove" in config.toml
    response = world.zora.post("/account/delete", data={"current_password": PASSWORD}, follow_redirects=True)
    assert "Your account has been deleted." in response.get_data(as_text=True)
    assert _scan(world.app, NAME, EMAIL, "quellenberg", "zora", "Trinkbrunnen", "Stadtwerke haben", "besonders für Ältere",
                 "Ich wohne", "Bitte prüfen") == []
    counts = _counts(world)
    # Her idea had Ben's comment: it stays as a withdrawn placeholder holding his comment; her comments are gone
    # from the counts, her votes and her answers too.
    assert counts == {"comments": {world.own_idea: 1, world.bens_idea: 0}, "votes": {world.own_idea: 1},
                      "respondents": 1, "yes": 1}
    page = world.ben.get(f"/p/kiezfonds/ideas/{world.own_idea}").get_data(as_text=True)
    assert "Withdrawn idea" in page and "Wer wartet den Brunnen?" in page


def test_the_operator_deletes_an_account_from_the_command_line(world):
    from core.cli import user_group

    runner = world.app.test_cli_runner()
    result = runner.invoke(user_group, ["delete", "nobody@example.org", "--yes"])
    assert result.exit_code == 1 and result.output == "Error: No user with the e-mail address nobody@example.org.\n"
    result = runner.invoke(user_group, ["delete", EMAIL], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    result = runner.invoke(user_group, ["delete", EMAIL.upper(), "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output == (f"Deleted the account of {EMAIL}: name, address and password are gone; "
                             "8 contribution(s) kept, shown as from a deleted account.\n")
    assert _scan(world.app, NAME, EMAIL, "quellenberg") == []
    again = runner.invoke(user_group, ["delete", EMAIL, "--yes"])
    assert again.exit_code == 1 and again.output.count("\n") == 1 and "Traceback" not in again.output


def test_the_only_administrator_cannot_delete_themselves(world, login):
    client = login(world.app, world.people.admin)
    response = client.post("/account/delete", data={"current_password": "password-admin"})
    assert response.status_code == 400
    assert "Make someone else an administrator first." in response.get_data(as_text=True)
