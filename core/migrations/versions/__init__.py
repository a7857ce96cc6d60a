# Alembic skips this file; it makes the folder a package so installs ship the revisions.
