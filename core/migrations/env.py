"""The Alembic environment shared by the core and every plugin.

There is no alembic.ini: :mod:`core.migrate` builds the ``alembic.config.Config``
in code and runs Alembic's commands inside the Flask app, so this file uses the
app's own engine (``db.engine``) and metadata (``db.metadata``) and the
deployment's configured database, exactly as the running site sees them.

``config.attributes`` carries what ``core.migrate`` decided:

- ``connection``: an open connection in a transaction, shared by several
  commands (stamp, then upgrade) so they see each other's work;
- ``tables``: the names of the tables this run may compare (autogenerate). A
  revision of the core only sees core tables; a plugin's revision only sees the
  tables of its own ``register_models()``, so it never touches the core or
  another plugin.
"""
from __future__ import annotations

from alembic import context

from core.extensions import db
from core.migrate import context_options

config = context.config


def run_migrations(connection) -> None:
    options = context_options(connection, config.attributes.get("tables"))
    context.configure(connection=connection, target_metadata=db.metadata, **options)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Mitsprache runs migrations against a live database only (no --sql mode).")

_connection = config.attributes.get("connection")
if _connection is not None:
    run_migrations(_connection)
else:
    with db.engine.begin() as _connection:
        run_migrations(_connection)
