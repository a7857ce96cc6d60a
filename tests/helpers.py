"""Small helpers shared by test modules (fixtures live in core/testing.py)."""
from core.testing import run_at_once  # noqa: F401  (kept here for the modules that import it from tests.helpers)
