"""Make PostgreSQL and Redis available — the configured ones, else private ones under var/
(the embedded default, see embedded.py) — or fail fast naming what is missing."""

import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from components.kernel.env import env_bool, redis_url

from .embedded import EmbeddedError, PrivateServer, acquire_postgres, acquire_redis, shown
from .services import (
    create_databases,
    existing_components,
    postgres_reachable,
    redis_reachable,
    server_url,
)

# The private servers this process holds; `release_services()` lets go of them.
_held: list[PrivateServer] = []


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def _private(kind: str, variable: str, url: str, acquire) -> PrivateServer:
    where = f"{kind} is not reachable at {_without_password(url)}"
    if not env_bool("GRONDWERK_EMBEDDED", True):
        sys.exit(f"{where} (set {variable}; GRONDWERK_EMBEDDED=off forbids a private one)")
    try:
        server = acquire()
    except EmbeddedError as error:
        sys.exit(f"{where} (set {variable}), and no private one could be started: {error}")
    _held.append(server)
    if server.started:
        how = f"started a private one under {shown(server.directory)} on port {server.port} ({server.binaries})"
    else:
        how = f"using the private one already running under {shown(server.directory)} on port {server.port}"
    print(f"{kind} not found at {_without_password(url)}: {how}", file=sys.stderr, flush=True)
    return server


def ensure_services() -> dict[str, str]:
    """Environment overrides under which PostgreSQL and Redis are reachable (also applied to
    os.environ); the component databases exist afterwards."""
    env: dict[str, str] = {}
    if not postgres_reachable():
        env["DATABASE_URL"] = _private("PostgreSQL", "DATABASE_URL", server_url(), acquire_postgres).url
    if not redis_reachable():
        env["REDIS_URL"] = _private("Redis", "REDIS_URL", redis_url(), acquire_redis).url
    os.environ.update(env)
    create_databases(existing_components())
    return env


def release_services() -> None:
    """Let go of the private servers this process holds; the last holder stops each one."""
    while _held:
        server = _held.pop()
        if server.release():
            print(f"stopped the private {server.kind} under {shown(server.directory)}", file=sys.stderr, flush=True)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into an ordinary exit so `finally` blocks release the private servers."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def with_services(command: list[str]) -> int:
    if not command:
        print("usage: python -m devstack with-services -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    stop_on_sigterm()
    try:
        ensure_services()
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 130
    finally:
        release_services()
