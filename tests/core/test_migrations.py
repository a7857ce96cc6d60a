"""Schema migrations (core/migrate.py): revisions match the models, and databases upgrade keeping their data.

``test_revisions_build_exactly_the_models`` is the one that fails when someone
changes a model without writing a revision: run
``mitsprache db revision <plugin or core> -m "…"`` and review the file.
"""
from __future__ import annotations

import textwrap

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import inspect, text

from core import create_app, migrate
from core.app import create_all_tables
from core.cli import build_cli
from core.extensions import db
from core.models import Phase, Project, User
from core.services import add_phase, create_project, create_user

ALL = ["comments", "commenting", "ideas", "voting"]
#: Replay the revisions on an empty database instead of the tests' create_all shortcut.
REPLAY = {"MIGRATIONS_FRESH_CREATE_ALL": False}


@pytest.fixture
def reopen(clock, tmp_path):
    """``reopen(app, plugins)`` builds a second app on ``app``'s database (make_app would empty it on PostgreSQL)."""
    built = []

    def factory(app, plugins, **config):
        settings = {
            "secret_key": "test-secret",
            "database_url": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "plugins": plugins,
            "default_locale": "en",
            "TESTING": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **config,
        }
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        # Tables after registering the app, so it is disposed of even when the upgrade fails.
        new = create_app(settings, instance_path=tmp_path / "instance", clock=clock)
        built.append(new)
        with new.app_context():
            create_all_tables()
        return new

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        owned = migrate.owned_tables(app)
        return migrate.schema_differences(connection, [t for ts in owned.values() for t in ts])


def branches(app) -> dict[str, str | None]:
    with app.app_context():
        return {s.branch: s.current for s in migrate.current(app)}


def heads(app) -> dict[str, str]:
    with app.app_context():
        return {s.branch: s.head for s in migrate.current(app)}


def model_tables(app) -> set[str]:
    return {t.name for ts in migrate.owned_tables(app).values() for t in ts}


def seed(app) -> None:
    with app.app_context():
        user = create_user("anna@example.org", "password-anna", "Anna")
        project = create_project("city-plan", "City plan", "<p>What should change?</p>")
        from core.clock import now

        add_phase(project, "ideas" if "ideas" in app.extensions["mitsprache"].plugin_names else "commenting",
                  "Phase", now(), now().replace(year=2027))
        db.session.commit()
        assert user.id


def assert_seed_kept(app) -> None:
    with app.app_context():
        assert db.session.scalar(db.select(User.email)) == "anna@example.org"
        assert db.session.scalar(db.select(Project.slug)) == "city-plan"
        assert db.session.scalar(db.select(db.func.count(Phase.id))) == 1


def test_revisions_build_exactly_the_models(make_app):
    """Replaying every revision on an empty database gives the models' schema, no more, no less."""
    app = make_app(plugins=ALL, **REPLAY)
    assert differences(app) == [], (
        "Models and migrations differ: write a revision with `mitsprache db revision <plugin|core> -m …`"
    )
    from core.search.models import ENGINE_TABLES  # the search engine's raw full-text tables

    assert tables(app) - ENGINE_TABLES == model_tables(app) | {"alembic_version"}
    assert branches(app) == heads(app)
    assert set(branches(app)) == {"core", *ALL}


def test_the_tests_create_all_shortcut_gives_the_same_database(make_app):
    app = make_app(plugins=ALL)
    assert differences(app) == []
    assert branches(app) == heads(app) and set(branches(app)) == {"core", *ALL}


def test_enabling_a_plugin_later_upgrades_its_branch_and_keeps_data(make_app, reopen):
    first = make_app(plugins=["comments"], **REPLAY)
    with first.app_context():
        create_user("anna@example.org", "password-anna", "Anna")
        create_project("city-plan", "City plan", "")
        db.session.commit()
    assert not any(t.startswith("ideas_") for t in tables(first))
    assert set(branches(first)) == {"core", "comments"}

    second = reopen(first, ["comments", "ideas"])
    assert {"ideas_idea", "ideas_category"} <= tables(second)
    assert not any(t.startswith(("voting_", "commenting_")) for t in tables(second))
    assert set(branches(second)) == {"core", "comments", "ideas"} and branches(second) == heads(second)
    assert differences(second) == []
    with second.app_context():
        assert db.session.scalar(db.select(User.email)) == "anna@example.org"
        assert db.session.scalar(db.select(Project.slug)) == "city-plan"

    # Disabling it again keeps its tables and its recorded revision, and the site still starts.
    third = reopen(second, ["comments"])
    assert "ideas_idea" in tables(third)
    assert branches(third)["ideas"] == heads(second)["ideas"]


def test_database_made_by_the_old_create_all_is_stamped_and_keeps_working(make_app, reopen, login):
    old = make_app(plugins=ALL)
    seed(old)
    with old.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))  # what create_all left behind: no version table

    app = reopen(old, ALL)
    assert branches(app) == heads(app) and set(branches(app)) == {"core", *ALL}
    assert differences(app) == []
    assert_seed_kept(app)
    assert login(app).get("/p/city-plan").status_code == 200


def test_old_database_that_differs_from_the_models_fails_clearly(make_app, reopen):
    old = make_app(plugins=["comments"])
    with old.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("ALTER TABLE core_project DROP COLUMN is_public"))
        # As an old create_all made it: without the columns of later core revisions either.
        connection.execute(text("ALTER TABLE core_user DROP COLUMN session_version"))
        connection.execute(text("ALTER TABLE core_user DROP COLUMN email_confirmed_at"))
        connection.execute(text("ALTER TABLE core_user DROP COLUMN deleted_at"))
        connection.execute(text("DROP TABLE core_follow"))
        connection.execute(text("ALTER TABLE core_project DROP COLUMN organisation"))
        connection.execute(text("ALTER TABLE core_project ADD COLUMN content_version INTEGER NOT NULL DEFAULT 0"))
        for table in ("core_notification", "core_notification_preference", "core_delivery", "core_phase_result",
                      "core_cache_scope", "core_search_fts", "core_search_document"):
            connection.execute(text(f"DROP TABLE {table}"))
    with pytest.raises(RuntimeError, match="do not match the models"):
        reopen(old, ["comments"])


NEW_REVISION = '''
    """add a summary to projects (a test's pretend core change)"""
    from alembic import op
    import sqlalchemy as sa

    revision = "c0ffee000001"
    down_revision = "{down}"
    branch_labels = None
    depends_on = None


    def upgrade():
        # recreate="always" makes SQLite copy the table, as most real ALTERs there do.
        recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
        with op.batch_alter_table("core_project", recreate=recreate) as batch_op:
            batch_op.add_column(sa.Column("summary", sa.String(200), nullable=True))
        op.execute("UPDATE core_project SET summary = 'kept: ' || title")


    def downgrade():
        with op.batch_alter_table("core_project") as batch_op:
            batch_op.drop_column("summary")
'''


@pytest.fixture
def new_core_revision(tmp_path, monkeypatch):
    """A temporary version folder with one more core revision, seen by core.migrate from now on."""
    folder = tmp_path / "versions"
    folder.mkdir()
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR), version_locations=[str(migrate.CORE_VERSIONS)])
    head = script.get_revision("core@head").revision
    (folder / "c0ffee000001_add_summary.py").write_text(textwrap.dedent(NEW_REVISION).format(down=head))
    monkeypatch.setattr(migrate, "core_version_locations", lambda: [folder, migrate.CORE_VERSIONS])
    return folder


def test_new_core_revision_upgrades_a_database_with_data(make_app, reopen, new_core_revision, monkeypatch, login):
    with monkeypatch.context() as before:
        before.setattr(migrate, "core_version_locations", lambda: [migrate.CORE_VERSIONS])
        old = make_app(plugins=ALL)
        seed(old)
        with old.app_context():
            role = "INSERT INTO core_project_role (project_id, user_id, role) VALUES (1, 1, 'initiator')"
            db.session.execute(text(role))
            db.session.commit()

    app = reopen(old, ALL)
    assert branches(app)["core"] == "c0ffee000001"
    assert branches(app) == heads(app)
    with app.app_context():
        assert db.session.execute(text("SELECT summary FROM core_project")).scalar() == "kept: City plan"
        assert db.session.execute(text("SELECT count(*) FROM core_project_role")).scalar() == 1  # not cascaded away
    assert_seed_kept(app)
    assert login(app).get("/p/city-plan").status_code == 200


def test_autogenerate_sees_only_the_tables_of_the_module_being_revised(make_app):
    app = make_app(plugins=ALL)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)"))
        connection.execute(text("ALTER TABLE core_user ADD COLUMN nickname VARCHAR(20)"))
        owned = migrate.owned_tables(app)
        assert migrate.schema_differences(connection, owned["ideas"]) == []
        assert migrate.schema_differences(connection, owned["voting"]) == []
        core_changes = migrate.schema_differences(connection, owned["core"])
        assert [change[0] for change in core_changes] == ["remove_column"]  # core's own change; no stray_table


@pytest.fixture
def cli_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("MITSPRACHE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MITSPRACHE_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("MITSPRACHE_PLUGINS", "comments,ideas")
    return tmp_path


def run(*args, expect=0):
    result = CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result.output


def test_cli_db_current_upgrade_and_revision(cli_instance, tmp_path, monkeypatch):
    run("init")  # a deployment's fresh database: the revisions are replayed
    out = run("db", "current")
    assert [line.split()[0] for line in out.splitlines()] == ["core", "comments", "ideas"]
    assert all(line.split()[2] == "head" for line in out.splitlines()), out
    assert "up to date" in run("db", "upgrade")

    folder = tmp_path / "versions"
    folder.mkdir()
    head = next(line.split()[1] for line in run("db", "current").splitlines() if line.startswith("core"))
    (folder / "c0ffee000001_add_summary.py").write_text(textwrap.dedent(NEW_REVISION).format(down=head))
    monkeypatch.setattr(migrate, "core_version_locations", lambda: [folder, migrate.CORE_VERSIONS])
    assert "behind: newest is c0ffee000001" in run("db", "current")
    out = run("db", "upgrade")
    assert "Upgraded core." in out and "c0ffee000001" in out
    assert "behind" not in run("db", "current")

    # A revision of the core goes to the core's (here: temporary) version folder and sees only core tables.
    app = create_app(startup_checks=False)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)"))
        db.engine.dispose()
    out = run("db", "revision", "core", "-m", "nothing new")
    written = [p for p in folder.glob("*_nothing_new.py")]
    assert len(written) == 1 and str(written[0]) in out
    source = written[0].read_text()
    assert 'down_revision: Union[str, Sequence[str], None] = \'c0ffee000001\'' in source
    # Compared with the models of the core only: the pretend column is not in them, a stray table is not the core's.
    assert "drop_column('summary')" in source and "stray_table" not in source
    assert "nor an enabled plugin" in run("db", "revision", "voting", "-m", "x", expect=1)
