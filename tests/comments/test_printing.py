"""The comments plugin's answer to ``item_print_sections``: every item's discussion for a printed record."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_login import AnonymousUserMixin

from core.extensions import db
from core.testing import count_queries
from tests.comments import notes_plugin
from tests.comments.conftest import seed
from tests.conftest import T0


def _printed(app, ids, item_type="note"):
    from core.template_helpers import item_print_sections

    with app.test_request_context():
        notes = [db.session.get(notes_plugin.CNote, note_id) for note_id in ids]
        return {key: str(html) for key, html in item_print_sections(item_type, notes).items()}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _more_notes(world, n):
    with world.app.app_context():
        notes = [notes_plugin.CNote(project_id=world.ids.project, title=f"Notiz {i}") for i in range(n)]
        db.session.add_all(notes)
        db.session.commit()
        return [note.id for note in notes]


def test_oldest_first_with_replies_indented_under_their_parent(world):
    people, at = world.people, lambda minutes: T0 + timedelta(minutes=minutes)
    first = seed(world.app, world, people.anna, "Erstens", created_at=at(1))
    seed(world.app, world, people.ben, "Zweitens", created_at=at(2))
    answer = seed(world.app, world, people.ben, "Antwort", parent=first, created_at=at(3))
    seed(world.app, world, people.anna, "Antwort auf Antwort", parent=answer, created_at=at(5))
    seed(world.app, world, people.moderator, "Noch eine Antwort", parent=first, created_at=at(4))
    html = _printed(world.app, [world.note])[world.note]
    text = _text(html)
    order = ["Anna", "Erstens", "Ben", "Antwort", "Antwort auf Antwort", "Moderator", "Noch eine Antwort", "Zweitens"]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions), text
    assert html.count('class="print-comments print-replies"') == 2  # "Antwort" holds a list, "Erstens" holds one
    assert re.search(r'<time datetime="2026-03-29T10:01:00\+00:00">[^<]+</time>', html)
    assert "<form" not in html and "<button" not in html


def test_hidden_and_deleted_text_is_left_out(world):
    from core.models import User
    from plugins.comments import services
    from plugins.comments.models import Comment

    people = world.people
    hidden = seed(world.app, world, people.ben, "Beleidigung")
    hidden_with_reply = seed(world.app, world, people.ben, "Auch beleidigend")
    seed(world.app, world, people.anna, "Eine Antwort darauf", parent=hidden_with_reply)
    deleted = seed(world.app, world, people.anna, "Zurückgezogen")
    seed(world.app, world, people.anna, "Sichtbar mit Anmerkung")
    with world.app.app_context():
        moderator = db.session.get(User, people.moderator.id)
        for comment_id in (hidden, hidden_with_reply):
            services.hide_comment(db.session.get(Comment, comment_id), moderator, "Beleidigend", commit=False)
        services.delete_comment(db.session.get(Comment, deleted))
        remarked = db.session.scalar(db.select(Comment).where(Comment.text == "Sichtbar mit Anmerkung"))
        services.set_remark(remarked, moderator, "Die Stadt prüft das.")
        db.session.commit()
    html = _printed(world.app, [world.note])[world.note]
    for gone in ("Beleidigung", "Auch beleidigend", "Zurückgezogen", "deleted"):
        assert gone not in html, gone
    text = _text(html)
    assert text.index("This comment was hidden by moderation.") < text.index("Eine Antwort darauf")
    assert "Moderator remark: Die Stadt prüft das." in text


def test_one_query_for_every_item_however_many(world):
    few, many = _more_notes(world, 3), _more_notes(world, 40)
    for note_id in few + many:
        parent = seed(world.app, world, world.people.anna, "Oben", target=note_id)
        seed(world.app, world, world.people.ben, "Darunter", parent=parent, target=note_id)
    from core.template_helpers import item_print_sections

    counts = []
    for ids in (few, many):
        with world.app.test_request_context():
            notes = [db.session.get(notes_plugin.CNote, note_id) for note_id in ids]
            with count_queries(world.app) as statements:
                printed = item_print_sections("note", notes)
            assert set(printed) == set(ids)
            counts.append(len(statements))
    assert counts == [1, 1]


def test_items_nobody_discusses_and_items_without_comments_get_nothing(world):
    seed(world.app, world, world.people.anna, "Etwas")
    quiet = _more_notes(world, 1)[0]
    assert _printed(world.app, [world.note, quiet], item_type="poster") == {}
    assert list(_printed(world.app, [world.note, quiet])) == [world.note]


def test_the_hook_answers_as_the_comments_plugin(world):
    """Called as the hook with the reader: the same sections, whoever reads (hidden text never prints)."""
    seed(world.app, world, world.people.anna, "Über den Hook")
    with world.app.test_request_context():
        pm = world.app.extensions["mitsprache"].pm
        note = db.session.get(notes_plugin.CNote, world.note)
        results = [r for r in pm.hook.item_print_sections(item_type="note", items=[note], user=AnonymousUserMixin()) if r]
    assert len(results) == 1 and "Über den Hook" in str(results[0][world.note])
