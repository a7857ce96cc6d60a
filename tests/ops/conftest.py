"""Fixtures of the operations tests: free ports and a deployment's instance folder made by the command line."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture
def unused_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
