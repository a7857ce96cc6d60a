"""The project's own tests use the fixtures Mitsprache ships for every plugin's tests: see core/testing.py.

They reach pytest through the package's ``pytest11`` entry point (installed by
``make test``), exactly as in a third-party plugin's repository. The names below
are re-exported for the test modules that import them from here.
"""
from core.testing import CSRF_RE, PG_SCHEMA, T0, TEST_DATABASE_URL, CSRFClient, count_queries, run_at_once  # noqa: F401
