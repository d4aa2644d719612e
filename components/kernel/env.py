"""Twelve-factor configuration: typed reads of environment variables, no framework imports."""

import os
from urllib.parse import urlsplit, urlunsplit

COMPONENTS = ("authorizations", "persons", "cases", "documents", "notifications")

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_url(component: str) -> str:
    """The component's own database: `<COMPONENT>_DATABASE_URL`, else `DATABASE_URL` with
    the path replaced by `grondwerk_<component>` (a server URL is enough for every component)."""
    own = os.environ.get(f"{component.upper()}_DATABASE_URL")
    if own:
        return own
    parts = urlsplit(env_str("DATABASE_URL", DEFAULT_DATABASE_URL))
    return urlunsplit(parts._replace(path=f"/grondwerk_{component}"))


def redis_url() -> str:
    return env_str("REDIS_URL", DEFAULT_REDIS_URL)


def component_url(component: str, default_port: int) -> str:
    """Internal base URL at which another component is reached (service-to-service calls)."""
    return env_str(f"{component.upper()}_URL", f"http://127.0.0.1:{default_port}").rstrip("/")


PORTS = {
    "gateway": 8000,
    "authorizations": 8001,
    "persons": 8002,
    "cases": 8003,
    "documents": 8004,
    "notifications": 8005,
}
