"""The public API other plugins use: counts, streamed rows, per-day statistics, seeding, URLs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from core.extensions import db
from core.testing import count_queries
from tests.comments.conftest import seed
from tests.conftest import T0


def test_comment_counts_in_one_query(world, login):
    from plugins.comments.api import comment_counts

    root = seed(world.app, world, world.people.anna, "Eins")
    seed(world.app, world, world.people.ben, "Antwort", parent=root)
    gone = seed(world.app, world, world.people.ben, "Weg")
    hidden = seed(world.app, world, world.people.ben, "Versteckt")
    seed(world.app, world, world.people.ben, "Anderswo", target=world.ids.other_note)
    login(world.app, world.people.ben).post(f"/comments/c/{gone}/delete")
    login(world.app, world.people.moderator).post(f"/comments/c/{hidden}/hide", data={"reason": "x"})
    with world.app.test_request_context():
        with count_queries(world.app) as statements:
            counts = comment_counts("note", [world.note, world.ids.other_note, 999, world.note])
        assert counts == {world.note: 3, world.ids.other_note: 1, 999: 0}
        assert len(statements) == 1
        assert comment_counts("note", []) == {}
        assert comment_counts("idea", [world.note]) == {world.note: 0}


def test_iter_comments_rows(world, login):
    from plugins.comments.api import CommentRow, iter_comments

    root = seed(world.app, world, world.people.anna, "Erster <b>fett</b>\n\nZweiter Absatz")
    reply = seed(world.app, world, world.people.ben, "Antwort", parent=root)
    gone = seed(world.app, world, world.people.ben, "Gelöscht")
    seed(world.app, world, world.people.ben, "Anderes Projekt", target=world.ids.other_note)
    login(world.app, world.people.ben).post(f"/comments/c/{root}/vote", data={"value": "agree"})
    login(world.app, world.people.moderator).post(f"/comments/c/{root}/vote", data={"value": "disagree"})
    login(world.app, world.people.ben).post(f"/comments/c/{gone}/delete")
    moderator = login(world.app, world.people.moderator)
    moderator.post(f"/comments/c/{reply}/hide", data={"reason": "Off topic"})
    moderator.post(f"/comments/c/{root}/remark", data={"remark": "Danke!"})
    with world.app.test_request_context():
        rows = list(iter_comments(world.ids.project))
        assert [r.id for r in rows] == [root, reply, gone]
        first = rows[0]
        assert isinstance(first, CommentRow)
        assert (first.parent_id, first.target_type, first.target_id, first.author_name) == (None, "note", world.note, "Anna")
        assert first.text == "Erster <b>fett</b>\n\nZweiter Absatz"  # plain text as typed
        assert (first.agree, first.disagree, first.status, first.moderator_remark) == (1, 1, "visible", "Danke!")
        assert first.created_at == T0 and first.edited_at is None
        assert (rows[1].parent_id, rows[1].status, rows[1].moderation_reason) == (root, "hidden", "Off topic")
        assert (rows[2].status, rows[2].text, rows[2].author_name) == ("deleted", "", "")
        assert list(iter_comments(world.ids.project, "idea")) == []
        assert [r.text for r in iter_comments(world.ids.other_project, "note")] == ["Anderes Projekt"]


def test_comments_per_day_in_the_deployment_time_zone(world):
    from plugins.comments.api import comments_per_day

    # 23:30 UTC on 27 March is 00:30 on 28 March in Berlin.
    for hours in (-34.5, -30, 0, 1):
        seed(world.app, world, world.people.anna, "x", created_at=T0 + timedelta(hours=hours))
    seed(world.app, world, world.people.anna, "y", created_at=T0 + timedelta(days=2), target=world.ids.other_note)
    with world.app.test_request_context():
        assert comments_per_day(world.ids.project) == [(date(2026, 3, 28), 2), (date(2026, 3, 29), 2)]
        assert comments_per_day(world.ids.other_project, "note") == [(date(2026, 3, 31), 1)]
        assert comments_per_day(world.ids.project, "idea") == []
    seed(world.app, world, world.people.anna, "z", created_at=T0 + timedelta(days=3))
    with world.app.test_request_context():
        days = comments_per_day(world.ids.project)
        assert days[-2:] == [(date(2026, 3, 31), 0), (date(2026, 4, 1), 1)] and len(days) == 5


def test_add_comment_and_thread_helpers(world):
    from core.models import Project, User
    from plugins.comments.api import add_comment, thread_html, thread_url

    with world.app.test_request_context():
        project = db.session.get(Project, world.ids.project)
        anna = db.session.get(User, world.people.anna.id)
        root = add_comment("note", world.note, project, anna, "Gesät", created_at=T0 - timedelta(days=2))
        reply = add_comment("note", world.note, project, anna, "Antwort", parent=root.id)
        deeper = add_comment("note", world.note, project, anna, "Tiefer", parent=reply)
        db.session.commit()
        assert (reply.root_id, deeper.root_id, deeper.parent_id) == (root.id, root.id, reply.id)
        assert root.project_id == project.id and root.created_at == T0 - timedelta(days=2)
        assert thread_url("note", world.note) == f"/comments/note/{world.note}"
        html = thread_html("note", world.note, project, heading_level=3)
        # Replies wait behind "Show 2 replies" (loaded on demand), so a long thread's first page stays small.
        assert '<h3 class="comments-heading"' in html and "Gesät" in html and "Show 2 replies" in html
        assert "Tiefer" not in html
        with pytest.raises(LookupError):
            thread_html("idea", 1, project)


def test_commentable_type_names_are_checked(make_app):
    from plugins.comments.api import Commentable, commentables
    from core import hookimpl

    class Bad:
        PLUGIN_NAME = "bad"

        @staticmethod
        @hookimpl
        def register_commentables(register):
            register(Commentable("c", "C", load=lambda ids: {}, url=lambda obj: "/"))

    app = make_app(plugins=["comments"], extra_plugins=[Bad])
    with app.app_context(), pytest.raises(ValueError):
        commentables()


def test_export_through_the_core(world, login):
    seed(world.app, world, world.people.anna, "=SUMME(A1)")
    response = login(world.app, world.people.initiator).get(f"/p/{world.slug}/export/comments.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.lstrip("\ufeff").splitlines()[0].startswith("Comment no.,Reply to comment no.,About,Title,Author,Text")
    assert "'=SUMME(A1)" in text and "anna@example.org" not in text


def test_comment_count_expression_sorts_an_owners_list(world):
    from plugins.comments.api import comment_count_expression
    from tests.comments.notes_plugin import CNote

    seed(world.app, world, world.people.anna, "Nur eins", target=world.ids.other_note)
    for text in ("a", "b"):
        seed(world.app, world, world.people.anna, text)
    with world.app.test_request_context():
        query = db.select(CNote.title).order_by(comment_count_expression("note", CNote.id).desc())
        assert db.session.scalars(query).all() == ["Mehr Bäume am Marktplatz", "Elsewhere"]


def test_delete_comments_removes_a_targets_whole_discussion(world, login):
    from core.cache_scopes import item_scope, version_of
    from plugins.comments.api import comment_counts, delete_comments
    from plugins.comments.models import Comment, Vote

    root = seed(world.app, world, world.people.anna, "Eins")
    seed(world.app, world, world.people.ben, "Antwort", parent=root)
    seed(world.app, world, world.people.ben, "Anderswo", target=world.ids.other_note)
    login(world.app, world.people.ben).post(f"/comments/c/{root}/vote", data={"value": "1"})
    with world.app.test_request_context():
        thread = item_scope("note", world.note, world.ids.project)
        other = item_scope("note", world.ids.other_note, world.ids.project)
        before = (version_of(thread), version_of(other))
        assert delete_comments("note", world.note) == 2
        db.session.commit()
        assert comment_counts("note", [world.note, world.ids.other_note]) == {world.note: 0, world.ids.other_note: 1}
        assert db.session.scalar(db.select(db.func.count(Vote.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
        # The Core DELETE outdates this thread's cached pages, not the other note's.
        assert (version_of(thread), version_of(other)) == (before[0] + 1, before[1])
        assert delete_comments("note", world.note) == 0
