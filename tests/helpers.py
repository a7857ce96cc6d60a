"""Small helpers shared by test modules (fixtures live in core/testing.py)."""
from __future__ import annotations

import pytest

from core.testing import run_at_once  # noqa: F401  (kept here for the modules that import it from tests.helpers)


def require_redis(url: str) -> None:
    """Fail (never skip) with what to start when Redis does not answer at ``url``.

    Redis runs on every development and CI machine (``make test`` starts it with .ci/redis-up),
    so a test that needs it must not pass by being skipped.
    """
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis does not answer at {url}: start it (`make test` and .ci/run do) "
                    "or set MITSPRACHE_TEST_REDIS_URL.")


def require_postgres(url: str) -> None:
    """Fail (never skip) with what to start when the PostgreSQL server at ``url`` does not answer."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        pytest.fail(f"PostgreSQL does not answer at {url} ({str(exc).splitlines()[0]}): start it "
                    "(.ci/run does) or set MITSPRACHE_TEST_POSTGRES_URL to a server whose user may create databases.")
    finally:
        engine.dispose()
