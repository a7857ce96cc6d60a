"""The chapter page costs the same number of SQL queries for 10 or 200 paragraphs with comments,
rendered cold or served from the fragment cache."""
from __future__ import annotations

from core.cache import cache
from core.testing import count_queries
from tests.commenting.conftest import discussed_chapter


def test_chapter_page_query_count_does_not_grow_with_paragraphs(capp, users, login, project_with_phase):
    people = users(capp)
    small = discussed_chapter(capp, people, project_with_phase, 10, "small")
    large = discussed_chapter(capp, people, project_with_phase, 200, "large")
    counts = {}
    for who in ("anna", None, "initiator"):
        client = login(capp, getattr(people, who) if who else None)
        for slug, chapter_id in (("small", small), ("large", large)):
            client.get(f"/p/{slug}/documents/chapter/{chapter_id}")  # warm-up (first-use caches)
            for state in ("cold", "cached"):
                if state == "cold":
                    with capp.app_context():
                        cache.clear()  # render the paragraphs again, not from the fragment cache
                with count_queries(capp) as statements:
                    response = client.get(f"/p/{slug}/documents/chapter/{chapter_id}")
                assert response.status_code == 200
                counts[who, slug, state] = len(statements)
        for state in ("cold", "cached"):
            assert counts[who, "small", state] == counts[who, "large", state], (who, counts)
        if who != "initiator":  # an initiator's page holds edit forms, which are never cached
            assert counts[who, "small", "cached"] < counts[who, "small", "cold"], counts
    page = response.get_data(as_text=True)
    assert page.count('class="discussion-toggle"') == 200
    print("queries per chapter page:", counts)


def test_a_logged_in_reader_s_cached_chapter_page_costs_four_queries(capp, users, login, project_with_phase):
    """Served from the fragment cache, a reader's page loads only what is theirs or decides the key: the user,
    the project with its phases and the reader's roles, the chapter and the cache versions, which also keep the
    project's tabs and the reader's unread count (core.cache.cached_value). (Before the page below the site
    header was cached whole, it cost nine.)"""
    people = users(capp)
    counts = {}
    for paragraphs, slug in ((5, "short"), (120, "long")):
        chapter_id = discussed_chapter(capp, people, project_with_phase, paragraphs, slug)
        for who in ("anna", "ben"):
            client = login(capp, getattr(people, who))
            client.get(f"/p/{slug}/documents/chapter/{chapter_id}")  # the first reader renders it
            with count_queries(capp) as statements:
                page = client.get(f"/p/{slug}/documents/chapter/{chapter_id}").get_data(as_text=True)
            counts[slug, who] = len(statements)
            assert page.count('class="discussion-toggle"') == paragraphs
            assert f">{getattr(people, who).name}</a>" in page  # the site header is the reader's own
    assert set(counts.values()) == {4}, counts
