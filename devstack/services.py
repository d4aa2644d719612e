"""Finding PostgreSQL and Redis: `DATABASE_URL` / `REDIS_URL` (or the loopback defaults)."""

import socket
from urllib.parse import urlsplit, urlunsplit

import psycopg

from components.kernel.env import COMPONENTS, DEFAULT_DATABASE_URL, database_url, env_str, redis_url


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def server_url() -> str:
    return env_str("DATABASE_URL", DEFAULT_DATABASE_URL)


def postgres_reachable(url: str | None = None) -> bool:
    parts = urlsplit(url or server_url())
    if not reachable(parts.hostname or "127.0.0.1", parts.port or 5432):
        return False
    try:
        with psycopg.connect(_maintenance_url(url or server_url()), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def redis_reachable(url: str | None = None) -> bool:
    parts = urlsplit(url or redis_url())
    return reachable(parts.hostname or "127.0.0.1", parts.port or 6379)


def _maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def existing_components() -> list[str]:
    import os

    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "components")
    return [c for c in COMPONENTS if os.path.isfile(os.path.join(root, c, "settings.py"))]


def create_databases(components: list[str]) -> list[str]:
    """Create `grondwerk_<component>` for each component that lacks it; return those created."""
    created = []
    for component in components:
        parts = urlsplit(database_url(component))
        name = parts.path.lstrip("/")
        with psycopg.connect(_maintenance_url(database_url(component)), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
    return created
