"""A plugin's first revision, and the check that its revisions build its models (core.revision_check).

The plugins here are small packages written to ``tmp_path`` and passed as
``extra_plugins``, so each test has its own tables and version folder.
"""
from __future__ import annotations

import importlib
import sys
import textwrap

import pytest

from core import migrate
from core.extensions import db

MODELS = '''\
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.toolkit import db


class Thing(db.Model):
    __tablename__ = "{name}_thing"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
{extra}'''

PLUGIN = '''
    from core.toolkit import hookimpl


    @hookimpl
    def register_models(register):
        from .models import Thing
        register(Thing)
'''

#: A first revision written by hand for the model above without ``extra`` columns.
REVISION = '''
    """initial"""
    from alembic import op
    import sqlalchemy as sa

    revision = "{rev}"
    down_revision = None
    branch_labels = ("{name}",)
    depends_on = "{core_root}"


    def upgrade():
        op.create_table(
            "{name}_thing",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("project_id", sa.Integer(), nullable=False),
            sa.Column("title", sa.String(length=80), nullable=False),
            sa.ForeignKeyConstraint(["project_id"], ["core_project.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("{name}_thing") as batch_op:
            batch_op.create_index(batch_op.f("ix_{name}_thing_project_id"), ["project_id"], unique=False)


    def downgrade():
        op.drop_table("{name}_thing")
'''


def core_root() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR), version_locations=[str(migrate.CORE_VERSIONS)])
    return next(rev.revision for rev in script.walk_revisions() if "core" in rev.branch_labels and not rev.down_revision)


@pytest.fixture
def plugin_package(tmp_path, monkeypatch):
    """``plugin_package(name, extra="", revision=False)`` writes and imports a plugin package with one model."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def write(name, *, extra="", revision=False):
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(PLUGIN))
        extra = textwrap.indent(textwrap.dedent(extra).strip(), "    ")
        (package / "models.py").write_text(MODELS.format(name=name, extra=extra))
        if revision:
            versions = package / "migrations" / "versions"
            versions.mkdir(parents=True)
            (package / "migrations" / "__init__.py").touch()
            (versions / "__init__.py").touch()
            text = textwrap.dedent(REVISION).format(name=name, rev=f"{name[:4]}00000001", core_root=core_root())
            (versions / f"{name[:4]}00000001_initial.py").write_text(text)
        importlib.invalidate_caches()
        made.append(name)
        return importlib.import_module(name)

    yield write
    for name in made:
        if (table := db.metadata.tables.get(f"{name}_thing")) is not None:
            db.metadata.remove(table)
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def test_first_revision_with_the_plugin_enabled_and_its_tables_made(make_app, plugin_package, tmp_path,
                                                                    assert_revisions_match_models):
    gadgets = plugin_package("gadgets")
    app = make_app(extra_plugins=[gadgets])  # without revisions, its table is made by create_all
    with app.app_context():
        assert "gadgets_thing" in db.inspect(db.engine).get_table_names()
        path = migrate.make_revision(app, "gadgets", "initial")

    source = path.read_text()
    assert path.parent == tmp_path / "gadgets" / "migrations" / "versions"
    assert "op.create_table('gadgets_thing'" in source
    assert "branch_labels: Union[str, Sequence[str], None] = ('gadgets',)" in source
    assert f"depends_on: Union[str, Sequence[str], None] = '{core_root()}'" in source
    assert_revisions_match_models("gadgets", extra_plugins=[gadgets])


def test_matching_revisions_pass(plugin_package, assert_revisions_match_models):
    assert_revisions_match_models("sprockets", extra_plugins=[plugin_package("sprockets", revision=True)])


def test_a_column_without_a_revision_fails_with_the_difference(plugin_package, assert_revisions_match_models):
    widgets = plugin_package("widgets", revision=True, extra='''
        colour: Mapped[str] = mapped_column(String(20), default="")
    ''')
    with pytest.raises(AssertionError) as failure:
        assert_revisions_match_models("widgets", extra_plugins=[widgets])
    message = str(failure.value)
    assert "column widgets_thing.colour is in the models, but no revision creates it" in message
    assert "mitsprache db revision widgets -m" in message


def test_a_plugin_without_revisions_fails(plugin_package, assert_revisions_match_models):
    with pytest.raises(AssertionError, match="'cogs' has no revisions"):
        assert_revisions_match_models("cogs", extra_plugins=[plugin_package("cogs")])
