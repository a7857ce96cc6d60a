"""The site search: stemming, visibility, the index kept current by every write, odd input, the page, threads."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from core import hookimpl
from core.extensions import db
from core.search.stemming import terms
from core.testing import T0, run_at_once

PLUGINS = ["comments", "commenting", "ideas"]


def _found(client, q: str, page: int | None = None) -> list[str]:
    """The result titles (tags stripped) a client sees for ``q``."""
    response = client.get("/search", query_string={"q": q, **({"page": page} if page else {})})
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'<h2><a href="[^"]*">(.*?)</a></h2>', html)]


@pytest.fixture
def site(make_app, users, project_with_phase, login):
    app = make_app(plugins=PLUGINS)
    people = users(app)
    slug, _ = project_with_phase(app, "ideas", start=T0 - timedelta(days=1), end=T0 + timedelta(days=30),
                                 people=people, title="Grüne Stadt")
    clients = {name: login(app, getattr(people, name) if name != "anonymous" else None)
               for name in ("anonymous", "anna", "ben", "moderator", "initiator", "admin")}
    return SimpleNamespace(app=app, people=people, slug=slug, as_=clients)


def _project(app, slug):
    from core.models import Project

    return db.session.scalar(db.select(Project).where(Project.slug == slug))


def _idea(site, author, title, text="", *, slug=None) -> int:
    from plugins.ideas.models import Idea

    with site.app.app_context():
        idea = Idea(project_id=_project(site.app, slug or site.slug).id, author_id=author.id)
        idea.set_content(title, text)
        db.session.add(idea)
        db.session.commit()
        return idea.id


def _comment(site, target_type, target_id, author, text) -> int:
    from core.models import User
    from plugins.comments.api import add_comment

    with site.app.app_context():
        comment = add_comment(target_type, target_id, _project(site.app, site.slug), db.session.get(User, author.id), text)
        db.session.commit()
        return comment.id


# --- stemming -------------------------------------------------------------------


def test_words_are_stemmed_in_german_and_english_with_umlauts_folded():
    assert [stems[0] for stems in terms("Obstbäume Obstbaum Bäume Baum")] == ["obstbaum"] * 2 + ["baum"] * 2
    assert terms("trees tree")[1] == ("tree",) and "tree" in terms("trees")[0]
    assert [stems[0] for stems in terms("Straße Fluesse Flüsse")] == ["strass", "fluss", "fluss"]


def test_search_finds_other_forms_of_a_word_in_german_and_english(site):
    _idea(site, site.people.anna, "Mehr Obstbäume im Park", "Bäume spenden Schatten")
    _idea(site, site.people.ben, "Plant trees", "Shade for the market")
    client = site.as_["anonymous"]
    assert _found(client, "Obstbaum") == ["Mehr Obstbäume im Park"]
    assert _found(client, "Baum") == ["Mehr Obstbäume im Park"]
    assert _found(client, "tree") == ["Plant trees"]
    assert _found(client, "planting markets") == ["Plant trees"]
    assert _found(client, "Obstbaum tree") == []  # every word must be found


def test_projects_chapters_and_paragraphs_are_found_with_their_project(site):
    from plugins.commenting.models import Chapter, Document, Paragraph

    with site.app.app_context():
        project = _project(site.app, site.slug)
        document = Document(project_id=project.id, title="Entwurf")
        chapter = Chapter(document=document, project_id=project.id, title="Radverkehr")
        chapter.paragraphs.append(Paragraph(project_id=project.id, html="<p>Sichere <b>Radwege</b> zur Schule</p>"))
        db.session.add(document)
        db.session.commit()
    page = site.as_["anonymous"].get("/search?q=radweg").get_data(as_text=True)
    assert "Paragraph" in page and "Grüne Stadt" in page
    assert "Sichere <mark>Radwege</mark> zur Schule" in page  # HTML stripped, the match marked
    assert _found(site.as_["anonymous"], "radverkehr") == ["1. Radverkehr"]
    assert _found(site.as_["anonymous"], "grüne stadt") == ["Grüne Stadt"]


def test_snippets_escape_what_people_typed(site):
    _idea(site, site.people.anna, "<img src=x onerror=alert(1)> Obstwiese", "<script>alert(2)</script> Obstwiese")
    page = site.as_["anonymous"].get("/search?q=obstwiese").get_data(as_text=True)
    assert "<script>alert(2)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt; <mark>Obstwiese</mark>" in page


# --- visibility -----------------------------------------------------------------


def test_private_projects_are_found_only_by_their_members_and_staff(site, project_with_phase):
    from core.models import ProjectRole

    project_with_phase(site.app, "ideas", start=T0 - timedelta(days=1), end=T0 + timedelta(days=9),
                       people=site.people, slug="intern", title="Interne Planung", is_public=False)
    _idea(site, site.people.initiator, "Geheimer Bauplatz", slug="intern")
    with site.app.app_context():
        db.session.add(ProjectRole(project_id=_project(site.app, "intern").id, user_id=site.people.ben.id, role="member"))
        db.session.commit()
    for who in ("anonymous", "anna"):
        assert _found(site.as_[who], "Bauplatz") == [] and _found(site.as_[who], "Interne Planung") == []
    for who in ("ben", "moderator", "initiator", "admin"):
        assert _found(site.as_[who], "Bauplatz") == ["Geheimer Bauplatz"], who


def test_hidden_ideas_and_their_discussion_are_found_only_by_moderators(site):
    from plugins.ideas.models import Idea

    idea = _idea(site, site.people.anna, "Parkplatz abschaffen")
    _comment(site, "idea", idea, site.people.ben, "Dafür: Parkplatzflächen begrünen")
    with site.app.app_context():
        db.session.get(Idea, idea).hidden_at = T0
        db.session.commit()
    for who in ("anonymous", "anna", "ben"):
        assert _found(site.as_[who], "Parkplatz") == [], who
    for who in ("moderator", "initiator", "admin"):
        assert len(_found(site.as_[who], "Parkplatz")) == 2, who


def test_hidden_comments_only_for_moderators_and_deleted_ones_for_nobody(site):
    from plugins.comments.models import Comment

    idea = _idea(site, site.people.anna, "Spielplatz")
    hidden = _comment(site, "idea", idea, site.people.ben, "Beleidigung Zaunkönig")
    deleted = _comment(site, "idea", idea, site.people.ben, "Zaunkönig nisten lassen")
    with site.app.app_context():
        db.session.get(Comment, hidden).status = "hidden"
        db.session.get(Comment, deleted).status = "deleted"
        db.session.commit()
    assert _found(site.as_["ben"], "Zaunkönig") == [] and _found(site.as_["anna"], "Zaunkönig") == []
    assert _found(site.as_["moderator"], "Zaunkönig") == ["Comment on: Spielplatz"]
    assert _found(site.as_["moderator"], "nisten") == []


# --- the index follows every write -----------------------------------------------


def test_the_index_follows_create_edit_hide_and_delete(site):
    from plugins.ideas.models import Idea

    idea = _idea(site, site.people.anna, "Brunnen am Markt")
    anonymous = site.as_["anonymous"]
    assert _found(anonymous, "Brunnen") == ["Brunnen am Markt"]
    with site.app.app_context():
        db.session.get(Idea, idea).set_content("Trinkwasserspender am Markt", "")
        db.session.commit()
    assert _found(anonymous, "Brunnen") == [] and _found(anonymous, "Trinkwasser") == ["Trinkwasserspender am Markt"]
    with site.app.app_context():
        db.session.get(Idea, idea).hidden_at = T0
        db.session.commit()
    assert _found(anonymous, "Trinkwasser") == []
    with site.app.app_context():
        db.session.delete(db.session.get(Idea, idea))
        db.session.commit()
    assert _found(site.as_["moderator"], "Trinkwasser") == []


def test_a_rolled_back_write_leaves_the_index_as_it_was(site):
    from plugins.ideas.models import Idea

    with site.app.app_context():
        idea = Idea(project_id=_project(site.app, site.slug).id, author_id=site.people.anna.id)
        idea.set_content("Seilbahn", "")
        db.session.add(idea)
        db.session.flush()
        db.session.rollback()
    assert _found(site.as_["anonymous"], "Seilbahn") == []


def test_bulk_updates_reindex_deleting_an_account_removes_its_comment_texts(site):
    from core.models import User
    from plugins.comments.account import delete_data

    idea = _idea(site, site.people.anna, "Marktplatz")
    _comment(site, "idea", idea, site.people.ben, "Meine Hausnummer ist Lindenweg 7")
    assert _found(site.as_["anonymous"], "Lindenweg") == ["Comment on: Marktplatz"]
    with site.app.app_context():
        delete_data(db.session.get(User, site.people.ben.id), "remove")
        db.session.commit()
    assert _found(site.as_["anonymous"], "Lindenweg") == []


def test_reindex_command_rebuilds_the_index(site):
    from core.search.cli import search_group
    from core.search.models import IndexedDocument

    _idea(site, site.people.anna, "Wochenmarkt")
    with site.app.app_context():
        db.session.execute(db.delete(IndexedDocument))
        db.session.commit()
    assert _found(site.as_["anonymous"], "Wochenmarkt") == []
    result = site.app.test_cli_runner().invoke(search_group, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "idea: 1" in result.output and "project: 1" in result.output
    assert _found(site.as_["anonymous"], "Wochenmarkt") == ["Wochenmarkt"]


# --- odd input ------------------------------------------------------------------


@pytest.mark.parametrize("q", ['"', '"Baum', "*", "Baum*", "NEAR", "NEAR(a b)", "a OR b", "-Baum", "Baum -Park",
                               "(", "((Baum)", ")", "a:b", "title:Baum", "^Baum", "'", "Baum' OR '1'='1", "&|!",
                               "\\", "{}", "%", "_", "!!:*", "AND", "NOT", "ÄÖÜ", "🌳 Baum", "x" * 200])
def test_engine_syntax_is_never_read_as_syntax(site, q):
    _idea(site, site.people.anna, "Baum und Park")
    response = site.as_["anonymous"].get("/search", query_string={"q": q})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(("q", "message"), [
    ("   ", "Please enter a search term."),
    ("x" * 201, "Please use at most 200 characters."),
    ("*** ---", "Please search for at least one word of letters or digits."),
])
def test_queries_that_cannot_be_searched_get_a_message(site, q, message):
    response = site.as_["anonymous"].get("/search", query_string={"q": q})
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_the_page_without_a_query_shows_the_form_and_nothing_found_says_so(site):
    html = site.as_["anonymous"].get("/search").get_data(as_text=True)
    assert '<label for="search-q">' in html and "result" not in html
    assert "Nothing found for “Zeppelin”" in site.as_["anonymous"].get("/search?q=Zeppelin").get_data(as_text=True)
    german = site.as_["anonymous"].get("/search?q=Zeppelin", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Suche" in german


def test_results_are_paged(site):
    for n in range(23):
        _idea(site, site.people.anna, f"Laterne {n}")
    client = site.as_["anonymous"]
    assert len(_found(client, "Laterne")) == 20 and len(_found(client, "Laterne", page=2)) == 3
    assert "23 results" in client.get("/search?q=Laterne").get_data(as_text=True)
    assert len(_found(client, "Laterne", page=99)) == 3  # past the end: the last page


def test_hook_register_search_sources(make_app, users, project_with_phase, login):
    """A plugin's own model becomes searchable by declaring it; its writes keep the index current."""
    from core.registry import SearchDocument, SearchSource
    from tests.core import notes_plugin

    class Searchable:
        PLUGIN_NAME = "searchable_notes"

        @hookimpl
        def register_search_sources(self, register):
            register(SearchSource(
                "note", "Note", notes_plugin.Note, plural="Notes",
                document=lambda note: SearchDocument(note.project_id, note.text),
                load=lambda ids: {n.id: n for n in db.session.scalars(db.select(notes_plugin.Note).where(
                    notes_plugin.Note.id.in_(ids)))},
                url=lambda note: f"/p/city-plan/notes#{note.id}"))

    app = make_app(extra_plugins=[notes_plugin, Searchable()])
    people = users(app)
    project_with_phase(app, "notes", start=T0 - timedelta(days=1), end=T0 + timedelta(days=1), people=people)
    with app.app_context():
        project = _project(app, "city-plan")
        db.session.add(notes_plugin.Note(project_id=project.id, author_id=people.anna.id, text="Mehr Sitzbänke"))
        db.session.commit()
    assert _found(login(app), "Sitzbank") == ["Mehr Sitzbänke"]
    assert 'href="/p/city-plan/notes#1"' in login(app).get("/search?q=Sitzbank").get_data(as_text=True)


# --- threads --------------------------------------------------------------------


THREADS, PER_THREAD = 6, 15


def test_indexing_from_many_threads_stores_each_text_as_its_own(site):
    """Every document row holds exactly its own idea's title and text, whatever ran beside it."""
    from plugins.ideas.models import Idea
    from core.search.models import IndexedDocument

    def text(t, n):
        return f"Faden {t} Nummer {n}: Bäume & <b>Bänke</b> für Straße kennung{t}x{n}z"

    def work(thread):
        def job():
            with site.app.app_context():
                project_id = _project(site.app, site.slug).id
                for n in range(PER_THREAD):
                    idea = Idea(project_id=project_id, author_id=site.people.anna.id)
                    idea.set_content(f"Idee {thread}-{n}", text(thread, n))
                    db.session.add(idea)
                    db.session.commit()
                db.session.remove()
        return job

    run_at_once([work(t) for t in range(THREADS)])
    with site.app.app_context():
        rows = db.session.execute(db.select(IndexedDocument, Idea).join(
            Idea, (Idea.id == IndexedDocument.item_id) & (IndexedDocument.item_type == "idea"))).all()
        assert len(rows) == THREADS * PER_THREAD
        wrong = [(doc.id, idea.id) for doc, idea in rows
                 if doc.title != idea.title or doc.body.strip() != idea.description_text
                 or doc.project_id != idea.project_id]
        assert wrong == []
    for t, n in ((0, 0), (THREADS - 1, PER_THREAD - 1)):
        assert _found(site.as_["anonymous"], f"Bänke kennung{t}x{n}z") == [f"Idee {t}-{n}"]


def test_results_can_be_narrowed_to_one_kind_with_its_count(site):
    """Above the results, each kind with its count: "All (4) · Ideas (3) · Comments (1)"; the filter keeps paging."""
    first = _idea(site, site.people.anna, "Laterne am Markt")
    _comment(site, "idea", first, site.people.ben, "Eine Laterne mehr wäre gut")
    for n in range(22):
        _idea(site, site.people.anna, f"Laterne {n}")
    client = site.as_["anonymous"]
    page = client.get("/search?q=laterne").get_data(as_text=True)
    kinds = re.search(r'<nav class="search-types".*?</nav>', page, re.S).group(0)
    assert re.findall(r">\s*([^<>]+ \(\d+\))<", kinds) == ["All (24)", "Ideas (23)", "Comments (1)"]
    assert '<span aria-current="true">All (24)</span>' in kinds and 'href="/search?q=laterne&amp;type=comment"' in kinds
    assert _found(client, "laterne") and "24 results" in page
    ideas = client.get("/search?q=laterne&type=idea").get_data(as_text=True)
    assert "23 results" in ideas and '<span aria-current="true">Ideas (23)</span>' in ideas
    assert re.search(r'href="/search\?[^"]*type=idea[^"]*page=2[^"]*" rel="next"', ideas)
    comments = client.get("/search?q=laterne&type=comment").get_data(as_text=True)
    assert "1 result for" in comments and "Eine <mark>Laterne</mark> mehr" in comments and "Laterne 5" not in comments
    # An unknown kind (an old link, a plugin switched off) shows everything.
    assert "24 results" in client.get("/search?q=laterne&type=wish").get_data(as_text=True)
    german = client.get("/search?q=laterne", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Alle (24)" in german and "Ideen (23)" in german


def test_one_kind_of_results_shows_no_filter(site):
    _idea(site, site.people.anna, "Brunnen")
    assert 'class="search-types"' not in site.as_["anonymous"].get("/search?q=brunnen").get_data(as_text=True)
