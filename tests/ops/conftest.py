"""Fixtures of the operations tests: free ports and a deployment's instance folder made by the command line."""
from __future__ import annotations

import logging
import socket

import pytest


@pytest.fixture
def unused_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def root_logger():
    """The root logger, given back afterwards with the handlers and level it had (configure_logging changes both)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield root
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
