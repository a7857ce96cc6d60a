"""The idea list: filters, sorting, search, pagination, htmx fragments, query counts, privacy, plugin hooks."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from core.extensions import db
from core.testing import count_queries
from tests.conftest import T0
from tests.ideas import likes_plugin
from tests.ideas.conftest import make_idea


def _titles(page: str) -> list[str]:
    return re.findall(r'class="idea-title" id="idea-\d+-title"><a href="[^"]+">([^<]+)</a>', page)


@pytest.fixture
def listed(ideas_app, setup_ideas):
    ctx = setup_ideas(ideas_app)
    p = ctx.people
    ids = {}
    for i, (author, title, text, cat) in enumerate([
        (p.anna, "Mehr Bäume", "Schatten am Markt", "Grün"),
        (p.ben, "Radweg Lindenstraße", "Sicher zur Schule", "Verkehr"),
        (p.anna, "Blühwiese", "Für Bienen und ÄPFEL", "Grün"),
        (p.ben, "Tempo 30", "Vor der Kita 50% langsamer", "Verkehr"),
    ]):
        ids[title] = make_idea(ideas_app, ctx, author, title, text, cat, created_at=T0 + timedelta(minutes=i))
    ctx.ids = ids
    return ctx


def test_newest_first_by_default_with_author_category_and_date(ideas_app, listed):
    page = ideas_app.test_client().get(f"/p/{listed.slug}/ideas").get_data(as_text=True)
    assert _titles(page) == ["Tempo 30", "Blühwiese", "Radweg Lindenstraße", "Mehr Bäume"]
    assert "by Ben" in page and "29 March 2026" in page and ">Verkehr</span>" in page
    assert "4 ideas" in page


def test_filter_by_category(ideas_app, listed):
    url = f"/p/{listed.slug}/ideas?category={listed.categories['Grün']}"
    page = ideas_app.test_client().get(url).get_data(as_text=True)
    assert _titles(page) == ["Blühwiese", "Mehr Bäume"]
    assert "2 ideas found" in page
    assert f'<option value="{listed.categories["Grün"]}" selected>' in page
    # An unknown category shows everything instead of failing.
    assert len(_titles(ideas_app.test_client().get(f"/p/{listed.slug}/ideas?category=abc").get_data(as_text=True))) == 4


@pytest.mark.parametrize(("query", "expected"), [
    ("bäume", ["Mehr Bäume"]),
    ("BÄUME", ["Mehr Bäume"]),
    ("äpfel", ["Blühwiese"]),          # description, case folded beyond ASCII
    ("schule rad", ["Radweg Lindenstraße"]),  # every word must match
    ("50%", ["Tempo 30"]),              # the site search's engine: words, never syntax
    ("%", []),
    ("_", []),
    ('"Bäume" OR *', ["Mehr Bäume"]),   # quotes, OR and * are no syntax; "or" is too common to count
    ("Baum", ["Mehr Bäume"]),           # stems: "Baum" finds "Bäume"
    ("apfel bienen", ["Blühwiese"]),
    ("Lindenstrasse", ["Radweg Lindenstraße"]),  # ß folds to ss
    ("nichts", []),
])
def test_search_in_title_and_description(ideas_app, listed, query, expected):
    page = ideas_app.test_client().get(f"/p/{listed.slug}/ideas", query_string={"q": query}).get_data(as_text=True)
    assert _titles(page) == expected
    if not expected:
        assert "No ideas match your search." in page


def test_most_discussed_sorts_by_comment_count(ideas_app, listed):
    from plugins.comments.api import add_comment
    from core.models import Project, User

    with ideas_app.app_context():
        project = db.session.get(Project, listed.project_id)
        ben = db.session.get(User, listed.people.ben.id)
        for title, n in [("Blühwiese", 2), ("Mehr Bäume", 3)]:
            for i in range(n):
                add_comment("idea", listed.ids[title], project, ben, f"Kommentar {i}")
        db.session.commit()
    page = ideas_app.test_client().get(f"/p/{listed.slug}/ideas?sort=discussed").get_data(as_text=True)
    assert _titles(page) == ["Mehr Bäume", "Blühwiese", "Tempo 30", "Radweg Lindenstraße"]
    assert "3 comments" in page and "2 comments" in page and "0 comments" in page
    assert '<option value="discussed" selected>' in page


def test_pagination_keeps_filters(ideas_app, setup_ideas):
    ctx = setup_ideas(ideas_app)
    for i in range(30):
        make_idea(ideas_app, ctx, ctx.people.anna, f"Idee {i:02d}", category="Grün" if i % 2 else "Verkehr",
                  created_at=T0 + timedelta(minutes=i))
    client = ideas_app.test_client()
    first = client.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert _titles(first) == [f"Idee {i:02d}" for i in range(29, 17, -1)]
    assert "30 ideas, page 1 of 3" in first
    third = client.get(f"/p/{ctx.slug}/ideas?page=3").get_data(as_text=True)
    assert _titles(third) == [f"Idee {i:02d}" for i in range(5, -1, -1)]
    assert client.get(f"/p/{ctx.slug}/ideas?page=99").status_code == 200  # clamped to the last page
    green = client.get(f"/p/{ctx.slug}/ideas?category={ctx.categories['Grün']}&sort=discussed").get_data(as_text=True)
    assert "15 ideas found, page 1 of 2" in green
    assert f"/p/{ctx.slug}/ideas?page=2&amp;category={ctx.categories['Grün']}&amp;sort=discussed" in green


def test_htmx_gets_only_the_list_and_a_full_page_otherwise(ideas_app, listed):
    client = ideas_app.test_client()
    url = f"/p/{listed.slug}/ideas?category={listed.categories['Verkehr']}"
    fragment = client.get(url, headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in text and 'id="idea-results"' in text
    assert _titles(text) == ["Tempo 30", "Radweg Lindenstraße"]
    assert 'id="idea-count" hx-swap-oob="innerHTML"' in text and "2 ideas found" in text
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True) and "HX-Request" in full.headers["Vary"]
    # The form works without JavaScript (GET + submit button) and with htmx (hx-get, pushes the URL).
    page = full.get_data(as_text=True)
    assert 'method="get"' in page and 'hx-get="/p/kiez/ideas"' in page and 'hx-push-url="true"' in page
    assert '<button type="submit" class="secondary">Show ideas</button>' in page
    # A boosted navigation needs the whole page.
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def _count_list_queries(app, client, url):
    with count_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_list_page_needs_the_same_number_of_queries_for_5_or_50_ideas(make_app, setup_ideas, login, logged_in):
    counts = []
    for n in (5, 50):
        app = make_app(plugins=["comments", "ideas"], extra_plugins=[likes_plugin])
        ctx = setup_ideas(app)
        from plugins.comments.api import add_comment
        from core.models import Project, User

        ids = [make_idea(app, ctx, ctx.people.ben if i % 2 else ctx.people.anna, f"Idee {i}",
                         category="Grün" if i % 2 else "Verkehr") for i in range(n)]
        with app.app_context():
            project = db.session.get(Project, ctx.project_id)
            author = db.session.get(User, ctx.people.anna.id)
            for idea_id in ids:
                add_comment("idea", idea_id, project, author, "Gute Idee")
            db.session.commit()
        client = login(app, ctx.people.anna if logged_in else None)
        client.get(f"/p/{ctx.slug}/ideas")  # warm-up (CSRF token, caches)
        counts.append(_count_list_queries(app, client, f"/p/{ctx.slug}/ideas?sort=liked"))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 14, counts


def test_private_project_ideas_are_invisible_to_outsiders(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app, is_public=False)
    idea_id = make_idea(ideas_app, ctx, ctx.people.moderator, "Geheim", category="Grün")
    for client in (ideas_app.test_client(), login(ideas_app, ctx.people.ben)):
        assert client.get(f"/p/{ctx.slug}/ideas").status_code == 404
        assert client.get(f"/p/{ctx.slug}/ideas/{idea_id}").status_code == 404
        assert client.get(f"/p/{ctx.slug}/ideas/new").status_code == 404
        assert client.get(f"/p/{ctx.slug}/ideas?q=Geheim", headers={"HX-Request": "true"}).status_code == 404
    assert "Geheim" in login(ideas_app, ctx.people.moderator).get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)


def test_project_page_has_an_ideas_tab_once_the_phase_started(ideas_app, setup_ideas, clock, login):
    ctx = setup_ideas(ideas_app, start=T0 + timedelta(days=1), end=T0 + timedelta(days=2))
    page = ideas_app.test_client().get(f"/p/{ctx.slug}").get_data(as_text=True)
    assert f'href="/p/{ctx.slug}/ideas"' not in page
    # Initiators prepare the categories before the start: linked under "Modules" on the management page.
    initiator = login(ideas_app, ctx.people.initiator)
    assert f'href="/p/{ctx.slug}/ideas/categories"' not in initiator.get(f"/p/{ctx.slug}").get_data(as_text=True)
    page = initiator.get(f"/p/{ctx.slug}/manage").get_data(as_text=True)
    assert f'<a href="/p/{ctx.slug}/ideas/categories">Idea categories</a> – Add, rename and remove' in page
    clock.set(ctx.start)
    assert f'href="/p/{ctx.slug}/ideas"' in ideas_app.test_client().get(f"/p/{ctx.slug}").get_data(as_text=True)


# ---------------------------------------------------------------------------
# Other plugins' additions through the core hooks
# ---------------------------------------------------------------------------


def test_fragments_and_sort_options_of_other_plugins_appear(make_app, setup_ideas):
    app = make_app(plugins=["comments", "ideas"], extra_plugins=[likes_plugin])
    ctx = setup_ideas(app)
    quiet = make_idea(app, ctx, ctx.people.anna, "Wenig gemocht", category="Grün", created_at=T0 + timedelta(minutes=1))
    loved = make_idea(app, ctx, ctx.people.anna, "Viel gemocht", category="Grün")
    with app.app_context():
        db.session.add_all([likes_plugin.Like(idea_id=loved, user_id=ctx.people.ben.id),
                            likes_plugin.Like(idea_id=loved, user_id=ctx.people.anna.id)])
        db.session.commit()
    client = app.test_client()
    page = client.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert '<option value="liked" >Most liked</option>' in page or '<option value="liked">Most liked</option>' in page
    assert _titles(page) == ["Wenig gemocht", "Viel gemocht"]
    assert 'class="like-button">Like (2)</button>' in page and 'class="like-button">Like (0)</button>' in page
    assert _titles(client.get(f"/p/{ctx.slug}/ideas?sort=liked").get_data(as_text=True)) == ["Viel gemocht", "Wenig gemocht"]
    assert 'class="like-button">Like (2)</button>' in client.get(f"/p/{ctx.slug}/ideas/{loved}").get_data(as_text=True)
    assert quiet


def test_without_voting_there_is_no_vote_button_sort_option_or_column(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Schlicht", category="Grün")
    client = login(ideas_app, ctx.people.initiator)
    page = client.get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    options = re.findall(r'<option value="(\w+)"', page.split('id="idea-sort"')[1].split("</select>")[0])
    assert options == ["newest", "discussed"]
    assert "idea-fragments" not in page and "vote" not in page.lower() and "support" not in page.lower()
    assert "idea-fragments" not in client.get(f"/p/{ctx.slug}/ideas/{idea_id}").get_data(as_text=True)
    csv = client.get(f"/p/{ctx.slug}/export/ideas.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("\ufeffIdea no.,Title,Description,Category,Location,Author,Created,Status,Comments")
    # Voting's optional hook is declared optional, so the app starts without it.
    assert "voting" not in ideas_app.extensions["mitsprache"].plugin_names
