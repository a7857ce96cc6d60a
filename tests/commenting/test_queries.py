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
