"""A page of a thread costs a fixed number of queries, whether it has 10 comments or 1,000."""
from __future__ import annotations

from datetime import timedelta

import pytest
from core.extensions import db
from core.testing import count_queries
from tests.comments import notes_plugin
from tests.conftest import T0


def _fill(app, world, note_id, n):
    """``n`` comments: top-level ones, each with 4 replies (one a reply to a reply), votes and a report."""
    from core.models import User
    from plugins.comments.api import add_comment
    from plugins.comments.models import Report, Vote

    with app.app_context():
        note = db.session.get(notes_plugin.CNote, note_id)
        people = [db.session.get(User, p.id) for p in (world.people.anna, world.people.ben, world.people.initiator)]
        made = 0
        i = 0
        while made < n:
            root = add_comment("note", note.id, note.project, people[i % 3], f"Wurzel {i}",
                               created_at=T0 - timedelta(minutes=n - made))
            made += 1
            last = root
            for j in range(4):
                if made >= n:
                    break
                last = add_comment("note", note.id, note.project, people[(i + j + 1) % 3], f"Antwort {i}.{j}",
                                   parent=last if j == 3 else root)
                made += 1
            db.session.flush()
            db.session.add_all([Vote(comment_id=root.id, user_id=people[1].id, value=1),
                                Vote(comment_id=root.id, user_id=people[2].id, value=-1),
                                Report(comment_id=root.id, project_id=note.project_id, user_id=people[1].id, reason="spam")])
            i += 1
        db.session.commit()


def _count_queries(app, client, url, *, cold=True):
    """Statements one GET of ``url`` runs; ``cold`` empties the page cache first (anonymous pages are cached)."""
    from core.cache import cache

    if cold:
        with app.app_context():
            cache.clear()
    with count_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "ben", "moderator"])
def test_thread_pages_cost_the_same_number_of_queries_for_10_and_1000_comments(world, login, who):
    app = world.app
    with app.app_context():
        big = notes_plugin.CNote(project_id=world.ids.project, title="Viel diskutiert")
        db.session.add(big)
        db.session.commit()
        big_id = big.id
    _fill(app, world, world.note, 10)
    _fill(app, world, big_id, 1000)
    client = login(app, None if who == "anonymous" else getattr(world.people, who))
    client.get(world.page)  # warm up: login session, template compilation
    small_count, small_html = _count_queries(app, client, world.page)
    big_count, big_html = _count_queries(app, client, f"/p/{world.slug}/cnotes/{big_id}")
    assert "(10 comments)" in small_html and "(1,000 comments)" in big_html
    assert big_html.count('class="comment-item"') == 20 and "Show more comments" in big_html
    assert "Show 4 replies" in big_html and big_html.count('<article id="comment-') == 20  # replies on demand
    assert small_count == big_count, (small_count, big_count)
    assert big_count <= 14
    # The standalone thread page and the fragments behave the same.
    for suffix in ("", "?sort=agreed", "?sort=oldest&page=3"):
        small, _ = _count_queries(app, client, f"/comments/note/{world.note}{suffix}")
        big, _ = _count_queries(app, client, f"/comments/note/{big_id}{suffix}")
        if "page=3" not in suffix:
            assert small == big, suffix
    # Anonymous readers get a cached copy until something changes: the target, project and phases only.
    for url in (f"/comments/note/{big_id}", f"/p/{world.slug}/cnotes/{big_id}"):
        client.get(url)
    warm, _ = _count_queries(app, client, f"/comments/note/{big_id}", cold=False)
    warm_widget, _ = _count_queries(app, client, f"/p/{world.slug}/cnotes/{big_id}", cold=False)
    if who == "anonymous":
        assert warm <= 4 and warm_widget <= 4, (warm, warm_widget)
    else:
        # Rendered for the reader every time; only small facts (tabs, unread count) come from the cache.
        assert warm <= big_count and warm_widget <= big_count, (warm, warm_widget, big_count)
