"""Shared test set-up: the suite needs real PostgreSQL and Redis and says so when they are missing."""

import pytest

from components.kernel.env import redis_url
from devstack.services import postgres_reachable, redis_reachable, server_url


def pytest_sessionstart(session):
    missing = []
    if not postgres_reachable():
        missing.append(f"PostgreSQL at {server_url()} (set DATABASE_URL)")
    if not redis_reachable():
        missing.append(f"Redis at {redis_url()} (set REDIS_URL)")
    if missing:
        pytest.exit("tests need " + " and ".join(missing), returncode=3)
