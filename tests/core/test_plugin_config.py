"""Enabling and disabling plugins in config.toml, plugin dependencies, and themes."""
import types

import pytest

from core import hookimpl
from core.config import write_config
from core.extensions import db
from core.plugins import PluginConfigError
from tests.conftest import T0
from tests.core import notes_plugin


def test_disabled_plugin_leaves_no_trace(make_app, users, login, project_with_phase):
    enabled = make_app(plugins=[], extra_plugins=[notes_plugin])
    project_with_phase(enabled, "notes", start=T0, end=T0.replace(year=2027))
    assert "All notes" in enabled.test_client().get("/").get_data(as_text=True)

    disabled = make_app(plugins=[])
    people = users(disabled)
    client = login(disabled, people.admin)
    assert "All notes" not in client.get("/").get_data(as_text=True)
    assert client.get("/notes").status_code == 404
    assert not any(rule.endpoint.startswith("notes") for rule in disabled.url_map.iter_rules())
    assert "notes" not in disabled.extensions["mitsprache"].registry.phase_kinds
    client.post("/admin/projects/new", data={"title": "P", "slug": "p", "is_public": "y"})
    assert 'value="notes"' not in client.get("/p/p/manage/phases/new").get_data(as_text=True)
    with disabled.app_context():
        assert "notes_note" not in db.inspect(db.engine).get_table_names()
    assert "notes" not in client.get("/admin/plugins").get_data(as_text=True)


def test_built_in_plugins_are_switched_by_the_config(make_app):
    only_comments = make_app(plugins=["comments"])
    assert only_comments.extensions["mitsprache"].plugin_names == ["comments"]
    assert not any(rule.rule.startswith("/p/<slug>/ideas") for rule in only_comments.url_map.iter_rules())


def test_phases_of_a_disabled_kind_are_hidden_from_participants(make_app, project_with_phase):
    app = make_app(plugins=[], extra_plugins=[notes_plugin])
    slug, _ = project_with_phase(app, "notes", start=T0, end=T0.replace(year=2027))
    # As if the plugin offering the kind had been switched off.
    with app.app_context():
        from core.models import Phase

        db.session.scalar(db.select(Phase)).kind = "gone"
        db.session.commit()
    page = app.test_client().get(f"/p/{slug}").get_data(as_text=True)
    assert "No phases planned yet." in page


def test_unknown_plugin_fails_at_start_with_a_clear_message(make_app):
    with pytest.raises(PluginConfigError, match="Enabled plugin\\(s\\) not installed: nosuch"):
        make_app(plugins=["nosuch"])


def test_missing_dependency_fails_at_start_with_a_clear_message(make_app):
    with pytest.raises(PluginConfigError, match="Plugin 'commenting' needs plugin\\(s\\) 'comments'"):
        make_app(plugins=["commenting"])


def test_extra_plugin_dependency_is_checked_too(make_app):
    needy = types.SimpleNamespace(PLUGIN_NAME="needy", NEEDS=["notes"])
    with pytest.raises(PluginConfigError, match="'needy' needs plugin\\(s\\) 'notes'"):
        make_app(plugins=[], extra_plugins=[needy])


def test_config_file_and_environment(tmp_path, monkeypatch, clock):
    from core import create_app
    from core.app import create_all_tables

    write_config(tmp_path, plugins=[], site_name="Beteiligung Musterstadt", database_url=f"sqlite:///{tmp_path}/x.db")
    text = (tmp_path / "config.toml").read_text()
    assert 'secret_key = "' in text and 'site_name = "Beteiligung Musterstadt"' in text
    with pytest.raises(FileExistsError):
        write_config(tmp_path)
    app = create_app(instance_path=tmp_path, clock=clock, startup_checks=False)
    with app.app_context():
        create_all_tables()
    assert app.config["SITE_NAME"] == "Beteiligung Musterstadt"
    assert "Beteiligung Musterstadt" in app.test_client().get("/").get_data(as_text=True)
    monkeypatch.setenv("MITSPRACHE_SITE_NAME", "Aus der Umgebung")
    monkeypatch.setenv("MITSPRACHE_PLUGINS", "comments")
    app = create_app(instance_path=tmp_path, clock=clock, startup_checks=False)
    assert app.config["SITE_NAME"] == "Aus der Umgebung"
    assert app.extensions["mitsprache"].plugin_names == ["comments"]


def test_missing_secret_key_is_explained(tmp_path, clock):
    from core import create_app

    with pytest.raises(RuntimeError, match="mitsprache init"):
        create_app(instance_path=tmp_path / "empty", clock=clock)


def test_second_theme_changes_look_and_logo(make_app):
    default = make_app(plugins=[]).test_client().get("/").get_data(as_text=True)
    civic_app = make_app(plugins=[], theme="civic")
    civic = civic_app.test_client().get("/").get_data(as_text=True)
    assert "brand-mark" in default and "logo.svg" not in default
    assert '<img class="civic-logo" src="/theme/logo.svg"' in civic
    assert '/theme/theme.css' in civic and '/theme/style.css' in civic
    client = civic_app.test_client()
    for path in ("/theme/logo.svg", "/theme/style.css"):  # style.css falls back to the default theme's
        with client.get(path) as response:
            assert response.status_code == 200


def test_theme_overrides_a_core_template_by_path(make_app, tmp_path, monkeypatch):
    import core.app

    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "default").symlink_to(core.app.THEMES_DIR / "default")
    (themes / "town" / "templates" / "projects").mkdir(parents=True)
    (themes / "town" / "templates" / "projects" / "home.html").write_text(
        '{% extends "core/projects/home.html" %}{% block title %}Rathaus{% endblock %}'
    )
    monkeypatch.setattr(core.app, "THEMES_DIR", themes)
    page = make_app(plugins=[], theme="town").test_client().get("/").get_data(as_text=True)
    assert "<title>Rathaus – Mitsprache</title>" in page
    assert "Open for participation" in page  # the rest comes from the core template


def test_unknown_theme_fails_at_start(make_app):
    with pytest.raises(RuntimeError, match="Theme 'nosuch' not found"):
        make_app(plugins=[], theme="nosuch")
