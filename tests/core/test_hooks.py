"""One test per hook (``test_hook_<name>``), each through what a user or operator sees.

``test_every_hook_is_documented_and_tested`` keeps this file and docs/plugins.md
in step with core/hookspecs.py.
"""
import inspect
import re
import types
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin

from core import hookimpl, hookspecs
from core.extensions import db
from core.policy import can
from core.registry import NavItem
from tests.conftest import T0
from tests.core import notes_plugin

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def notes_app(make_app):
    return make_app(plugins=[], extra_plugins=[notes_plugin])


def _hook_names():
    return [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "mitsprache_spec")]


def test_every_hook_is_documented_and_tested():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    names = _hook_names()
    assert len(names) >= 14
    for name in names:
        assert re.search(rf"^### `{name}\(", docs, re.M), f"docs/plugins.md lacks a section '### `{name}(…)`'"
        assert f"def test_hook_{name}(" in tests, f"no test_hook_{name} in tests/"
        assert getattr(hookspecs, name).__doc__, f"hookspec {name} has no docstring"


def test_hook_add_hookspecs(make_app):
    spec_module = types.ModuleType("greeting_specs")
    marker = __import__("pluggy").HookspecMarker("mitsprache")

    @marker
    def greeting():
        """Return a greeting."""

    spec_module.greeting = greeting
    provider = types.SimpleNamespace(PLUGIN_NAME="provider", add_hookspecs=hookimpl(lambda plugin_manager: plugin_manager.add_hookspecs(spec_module)))
    user = types.SimpleNamespace(PLUGIN_NAME="user", greeting=hookimpl(lambda: "Moin"))
    app = make_app(plugins=[], extra_plugins=[provider, user])
    assert app.extensions["mitsprache"].pm.hook.greeting() == ["Moin"]


def test_hook_register_models(notes_app):
    with notes_app.app_context():
        tables = db.inspect(db.engine).get_table_names()
    assert "notes_note" in tables


def test_hook_register_phase_kinds(notes_app, users, login):
    people = users(notes_app)
    client = login(notes_app, people.admin)
    client.post("/admin/projects/new", data={"title": "P", "slug": "p", "description": "", "is_public": "y"})
    page = client.get("/p/p/manage/phases/new").get_data(as_text=True)
    assert '<option value="notes">Notes</option>' in page
    assert "Maximum notes" in page  # the kind's PhaseSetting became a form field


def test_hook_register_blueprints(notes_app, project_with_phase):
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027))
    assert notes_app.test_client().get(f"/p/{slug}/notes").status_code == 200


def test_hook_register_item_types(make_app):
    """Owners declare their things once; other plugins find them by what they offer."""
    from core.toolkit import ItemType

    def items(register):
        register(ItemType("wish", "Wish", load=lambda ids: {}, url=lambda item: "/", offers={"comments"}))
        register(ItemType("poster", "Poster", load=lambda ids: {}, url=lambda item: "/"))

    owner = types.SimpleNamespace(PLUGIN_NAME="wishes", register_item_types=hookimpl(items))
    registry = make_app(plugins=[], extra_plugins=[owner]).extensions["mitsprache"].registry
    assert set(registry.item_types) == {"wish", "poster"} and registry.item_types["wish"].plugin == "wishes"
    assert list(registry.items_offering("comments")) == ["wish"] and registry.items_offering("votes") == {}
    clash = types.SimpleNamespace(PLUGIN_NAME="clash", register_item_types=hookimpl(
        lambda register: register(ItemType("wish", "Wish", load=lambda ids: {}, url=lambda item: "/"))))
    with pytest.raises(RuntimeError, match="registered twice"):
        make_app(plugins=[], extra_plugins=[owner, clash])
    reserved = types.SimpleNamespace(PLUGIN_NAME="reserved", register_item_types=hookimpl(
        lambda register: register(ItemType("c", "C", load=lambda ids: {}, url=lambda item: "/"))))
    with pytest.raises(RuntimeError, match="cannot be an item type name"):
        make_app(plugins=[], extra_plugins=[reserved])


def test_hook_item_sections(make_app):
    """An owner prints ``item_sections``; every plugin with something for the item adds a section."""
    from flask import render_template_string
    from markupsafe import Markup

    thing = types.SimpleNamespace(id=7, title="Bank am Kanal")
    adder = types.SimpleNamespace(PLUGIN_NAME="adder", item_sections=hookimpl(
        lambda item_type, item, user: [Markup(f"<section>{item_type} {item.id}</section>")] if item_type == "bench" else []))
    app = make_app(plugins=[], extra_plugins=[adder])
    with app.test_request_context():
        html = render_template_string('{{ item_sections("bench", thing) }}|{{ item_sections("tree", thing) }}', thing=thing)
    assert html == "<section>bench 7</section>|"


def test_hook_item_print_sections(make_app):
    """One call per list; each plugin's print HTML is joined per item in registration order."""
    from core.template_helpers import item_print_sections
    from markupsafe import Markup

    calls = []

    def sections(name):
        def impl(item_type, items, user):
            calls.append((name, [item.id for item in items]))
            if item_type != "paragraph":
                return None
            return {item.id: Markup(f"<p>{name} {item.id}</p>") for item in items if item.id != 2}
        return types.SimpleNamespace(PLUGIN_NAME=name, item_print_sections=hookimpl(impl))

    app = make_app(plugins=[], extra_plugins=[sections("comments"), sections("responses")])
    items = [types.SimpleNamespace(id=1), types.SimpleNamespace(id=2), types.SimpleNamespace(id=3)]
    with app.test_request_context():
        printed = item_print_sections("paragraph", items)
        assert {key: str(html) for key, html in printed.items()} == {
            1: "<p>comments 1</p><p>responses 1</p>", 3: "<p>comments 3</p><p>responses 3</p>"}
        assert item_print_sections("idea", items) == {} and item_print_sections("paragraph", []) == {}
    assert sorted(calls) == [("comments", [1, 2, 3]), ("comments", [1, 2, 3]), ("responses", [1, 2, 3]), ("responses", [1, 2, 3])]


def test_startup_hooks_take_register_or_return_a_list(make_app, notes_app):
    """Plugins written before ``register`` (returning lists) keep working next to new ones."""
    from flask import Blueprint

    old_style = Blueprint("old_style", __name__, url_prefix="/old")
    old_style.add_url_rule("", "index", lambda: "alt")
    new_style = Blueprint("new_style", __name__, url_prefix="/new")
    new_style.add_url_rule("", "index", lambda: "neu")
    plugins = [types.SimpleNamespace(PLUGIN_NAME="old", register_blueprints=hookimpl(lambda: [old_style])),
               types.SimpleNamespace(PLUGIN_NAME="new", register_blueprints=hookimpl(lambda register: register(new_style)))]
    client = make_app(plugins=[], extra_plugins=plugins).test_client()
    assert client.get("/old").get_data(as_text=True) == "alt" and client.get("/new").get_data(as_text=True) == "neu"


def test_hook_register_nav_items(notes_app):
    page = notes_app.test_client().get("/").get_data(as_text=True)
    assert '<a href="/notes" >All notes</a>' in page


def test_hook_register_exporters(notes_app, users, login, clock, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027), people=people)
    login(notes_app, people.anna).post(f"/p/{slug}/notes", data={"text": "=SUM(A1)"})
    client = login(notes_app, people.initiator)
    assert "/p/city-plan/export/notes.csv" in client.get(f"/p/{slug}/manage").get_data(as_text=True)
    csv_text = client.get(f"/p/{slug}/export/notes.csv").get_data(as_text=True)
    # Formula-like user text is neutralised; export_columns appended "length".
    assert csv_text.splitlines() == ["\ufeffid,text,length", "1,'=SUM(A1),8"]
    assert login(notes_app, people.anna).get(f"/p/{slug}/export/notes.csv").status_code == 403


def test_hook_register_commands(notes_app):
    from core.cli import build_cli

    cli = build_cli()
    notes_app.extensions["mitsprache"].pm.hook.register_commands(cli=cli)
    result = notes_app.test_cli_runner().invoke(cli, ["notes-hello"])
    assert result.output.strip() == "hello from notes"


def test_hook_project_tabs(notes_app, project_with_phase):
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027))
    page = notes_app.test_client().get(f"/p/{slug}").get_data(as_text=True)
    assert re.search(rf'<a href="/p/{slug}/notes"\s*>Notes</a>', page)


def test_hook_manage_links(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027), people=people)
    page = login(notes_app, people.initiator).get(f"/p/{slug}/manage").get_data(as_text=True)
    assert f'<a href="/p/{slug}/notes">Notes settings</a> – Limits and wording' in page


def test_hook_check_permission(notes_app, users, project_with_phase):
    people = users(notes_app)
    project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027), people=people)
    with notes_app.test_request_context():
        from core.models import Project, User

        project = db.session.scalar(db.select(Project))
        anna = db.session.get(User, people.anna.id)
        assert can(anna, "note.create", project)
        anna.display_name = "Mallory"
        assert not can(anna, "note.create", project)
        # An action no one knows is denied unless a plugin grants it.
        assert not can(anna, "note.teleport", project)
        assert can(AnonymousUserMixin(), "note.create", project).code == "login"


def test_hook_item_fragments(notes_app):
    from core.template_helpers import item_fragments

    with notes_app.test_request_context():
        notes = [types.SimpleNamespace(id=1), types.SimpleNamespace(id=2)]
        fragments = item_fragments("note", notes)
        assert str(fragments[2]) == "<span class='note-fragment'>fragment 2</span>"
        assert item_fragments("other", notes) == {}


def test_hook_item_sort_options(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027), people=people)
    client = login(notes_app, people.anna)
    for text in ("short", "a much longer note", "medium one"):
        client.post(f"/p/{slug}/notes", data={"text": text})
    with notes_app.app_context():
        from core.models import Project

        project = db.session.scalar(db.select(Project))
        options = [o for opts in notes_app.extensions["mitsprache"].pm.hook.item_sort_options(item_type="note", project=project) for o in opts]
        assert [o.key for o in options] == ["longest"]
        query = db.select(notes_plugin.Note.text).order_by(options[0].expression(notes_plugin.Note.id).desc())
        assert db.session.scalars(query).all() == ["a much longer note", "medium one", "short"]


def test_hook_export_columns(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027), people=people)
    login(notes_app, people.anna).post(f"/p/{slug}/notes", data={"text": "abc"})
    csv_text = login(notes_app, people.initiator).get(f"/p/{slug}/export/notes.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1] == "1,abc,3"


def test_hook_seed_demo(notes_app):
    from core.demo import seed_demo

    with notes_app.app_context():
        seed_demo()
    page = notes_app.test_client().get("/").get_data(as_text=True)
    assert "Notes demo" in page


def test_hook_template_context(notes_app):
    with notes_app.test_request_context():
        from flask import render_template_string

        assert render_template_string("{{ notes_greeting }}, {{ site_name }}") == "Hello, Mitsprache"


def test_a_misspelt_hook_fails_at_start(make_app):
    from pluggy import PluginValidationError

    typo = types.SimpleNamespace(PLUGIN_NAME="typo", register_phasekinds=hookimpl(lambda register: None))
    with pytest.raises(PluginValidationError, match="register_phasekinds"):
        make_app(plugins=[], extra_plugins=[typo])


def test_nav_items_are_ordered(make_app):
    plugin = types.SimpleNamespace(
        PLUGIN_NAME="navs",
        register_nav_items=hookimpl(lambda register: [register(NavItem("Zweiter", "projects.home", order=20)), register(NavItem("Erster", "projects.home", order=10))]),
    )
    app = make_app(plugins=[], extra_plugins=[plugin])
    assert [i.label for i in app.extensions["mitsprache"].registry.nav_items] == ["Erster", "Zweiter"]


def test_hook_user_contributions(notes_app, users, login, project_with_phase):
    """A plugin's contributions reach the person's "My participation" page and their data download."""
    import io
    import json
    import zipfile

    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0.replace(year=2027), title="Notizen")
    client = login(notes_app, people.anna)
    client.post(f"/p/{slug}/notes", data={"text": "Bänke am Ufer"})
    page = client.get("/account/participation").get_data(as_text=True)
    assert "Bänke am Ufer" in page and "Notizen" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/data.zip").data))
    data = json.loads(archive.read("data.json"))
    assert [(c["kind"], c["plugin"], c["data"]["text"]) for c in data["contributions"]] == [
        ("note", "notes", "Bänke am Ufer")]
    assert "Bänke am Ufer" in archive.read("index.html").decode()


def test_hook_phase_results(make_app, project_with_phase):
    """Every plugin's sections for a phase are gathered in their order, each naming its plugin."""
    from markupsafe import Markup

    from core.models import Phase
    from core.results.sections import result_sections
    from core.registry import ResultSection

    def counter(project, phase):
        if phase.kind != "notes":
            return []
        return [ResultSection("Notes", Markup("<p>3 notes</p>"), order=20, key="counter.notes")]

    def first(project, phase):
        return [ResultSection("Overview", Markup("<p>all</p>"), order=10, key="first.overview")]

    plugins = [types.SimpleNamespace(PLUGIN_NAME="counter", phase_results=hookimpl(counter)),
               types.SimpleNamespace(PLUGIN_NAME="first", phase_results=hookimpl(first))]
    app = make_app(plugins=[], extra_plugins=[notes_plugin, *plugins])
    slug, _ = project_with_phase(app, "notes", start=T0, end=T0.replace(year=2027))
    with app.test_request_context():
        phase = db.session.scalar(db.select(Phase))
        sections = result_sections(phase.project, phase)
    assert [(s.key, s.plugin, str(s.html)) for s in sections] == [
        ("first.overview", "first", "<p>all</p>"), ("counter.notes", "counter", "<p>3 notes</p>")]


@pytest.mark.parametrize("mode, kept", [("keep", 1), ("remove", 0)])
def test_hook_delete_user_data(make_app, users, login, project_with_phase, mode, kept):
    """Deleting an account asks each plugin to remove its data, as the deployment chose."""
    app = make_app(plugins=[], extra_plugins=[notes_plugin], deleted_contributions=mode)
    people = users(app)
    slug, _ = project_with_phase(app, "notes", start=T0, end=T0.replace(year=2027))
    client = login(app, people.anna)
    client.post(f"/p/{slug}/notes", data={"text": "Mehr Licht"})
    response = client.post("/account/delete", data={"current_password": "password-anna"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(notes_plugin.Note.id))) == kept
