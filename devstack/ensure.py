"""Make PostgreSQL and Redis available, or fail fast naming what is missing."""

import os
import subprocess
import sys

from components.kernel.env import redis_url

from .services import (
    create_databases,
    existing_components,
    postgres_reachable,
    redis_reachable,
    server_url,
)


def ensure_services() -> dict[str, str]:
    """Environment overrides under which PostgreSQL and Redis are reachable."""
    env: dict[str, str] = {}
    if not postgres_reachable():
        sys.exit(f"PostgreSQL is not reachable at {server_url()} (set DATABASE_URL)")
    if not redis_reachable():
        sys.exit(f"Redis is not reachable at {redis_url()} (set REDIS_URL)")
    create_databases(existing_components())
    return env


def with_services(command: list[str]) -> int:
    env = dict(os.environ)
    env.update(ensure_services())
    return subprocess.call(command, env=env)
