"""The gateway's configuration: the routing table from YAML (`deploy/gateway-routes.yaml`, or the
file named by `GATEWAY_ROUTES`), with upstream URLs and limits overridable from the environment.

Adding an API means adding an entry to the YAML file: the route, the portal card and the
health check all come from it.
"""

import os
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

import yaml

from components.kernel.env import (
    PORTS,
    component_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    redis_url,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ROUTES_FILE = os.path.join(ROOT, "deploy", "gateway-routes.yaml")


class ConfigError(Exception):
    """The routing file cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Upstream:
    component: str
    url: str

    # Cached: the head of every proxied request uses them.
    @cached_property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @cached_property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @cached_property
    def host_header(self) -> bytes:
        return urlsplit(self.url).netloc.encode()


@dataclass(frozen=True)
class Api:
    """One public API: the path prefix it owns and the component that serves it."""

    id: str
    title: str
    version: str
    prefix: str
    component: str
    description: str = ""
    contract: str = ""
    public: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    read_timeout: float | None = None
    max_body_bytes: int | None = None
    listed: bool = True  # shown in the portal (false for plumbing such as static files)

    # str.startswith takes the whole tuple at once (and an empty one matches nothing).
    def is_public(self, path: str) -> bool:
        return path.startswith(self.public)

    def is_blocked(self, path: str) -> bool:
        return path.startswith(self.blocked)


@dataclass(frozen=True)
class RateLimits:
    """Requests per window per client and API; the most specific limit wins:
    client+API override, then API, then client, then the default. 0 means unlimited."""

    window_seconds: int = 60
    default: int = 600
    clients: dict[str, int] = field(default_factory=dict)
    apis: dict[str, int] = field(default_factory=dict)
    overrides: dict[tuple[str, str], int] = field(default_factory=dict)

    def limit_for(self, client_id: str, api_id: str) -> int:
        if (client_id, api_id) in self.overrides:
            return self.overrides[(client_id, api_id)]
        if api_id in self.apis:
            return self.apis[api_id]
        if client_id in self.clients:
            return self.clients[client_id]
        return self.default


@dataclass(frozen=True)
class GatewayConfig:
    apis: tuple[Api, ...]
    upstreams: dict[str, Upstream]
    rate_limits: RateLimits
    max_body_bytes: int
    connect_timeout: float
    read_timeout: float
    health_timeout: float
    max_connections: int
    upstream_max_requests: int
    trust_forwarded: bool
    access_log: bool
    redis_url: str
    authorizations_url: str
    service_client_id: str
    service_secret: str
    auth_local_ttl: float
    auth_remote_ttl: int
    jwt_leeway: int
    jwt_max_age: int
    source: str = ""

    def api(self, api_id: str) -> Api | None:
        return next((a for a in self.apis if a.id == api_id), None)


def _prefix(value: str, where: str) -> str:
    if not isinstance(value, str) or not value.startswith("/") or not value.endswith("/") or value == "/":
        raise ConfigError(f"{where}: a prefix must look like '/name/' (got {value!r})")
    return value


def _limit(value, where: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: a rate limit is a whole number of requests, 0 for none (got {value!r})")
    return value


def _apis(raw: list, where: str) -> tuple[Api, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: 'apis' must be a non-empty list")
    apis = []
    for index, entry in enumerate(raw):
        here = f"{where}: apis[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here}: expected a mapping")
        missing = [k for k in ("id", "title", "prefix", "component") if not entry.get(k)]
        if missing:
            raise ConfigError(f"{here}: missing {', '.join(missing)}")
        prefix = _prefix(entry["prefix"], here)
        apis.append(Api(
            id=str(entry["id"]),
            title=str(entry["title"]),
            version=str(entry.get("version", "")),
            prefix=prefix,
            component=str(entry["component"]),
            description=str(entry.get("description", "")),
            contract=str(entry.get("contract", "")),
            public=tuple(str(p) for p in entry.get("public") or ()),
            blocked=tuple(_prefix(p, here) for p in entry.get("blocked") or ()),
            read_timeout=float(entry["read_timeout"]) if entry.get("read_timeout") else None,
            max_body_bytes=int(entry["max_body_bytes"]) if entry.get("max_body_bytes") else None,
            listed=bool(entry.get("portal", True)),
        ))
    prefixes = [a.prefix for a in apis]
    duplicates = sorted({p for p in prefixes if prefixes.count(p) > 1})
    if duplicates:
        raise ConfigError(f"{where}: prefix routed twice: {', '.join(duplicates)}")
    return tuple(apis)


def _rate_limits(raw: dict, where: str) -> RateLimits:
    raw = raw or {}
    overrides = {}
    for index, entry in enumerate(raw.get("overrides") or ()):
        overrides[(str(entry["client"]), str(entry["api"]))] = _limit(entry["limit"], f"{where}: overrides[{index}]")
    return RateLimits(
        window_seconds=env_int("GATEWAY_RATE_LIMIT_WINDOW", int(raw.get("window_seconds", 60))),
        default=_limit(env_int("GATEWAY_RATE_LIMIT_DEFAULT", raw.get("default", 600)), where),
        clients={str(k): _limit(v, where) for k, v in (raw.get("clients") or {}).items()},
        apis={str(k): _limit(v, where) for k, v in (raw.get("apis") or {}).items()},
        overrides=overrides,
    )


def _upstreams(apis: tuple[Api, ...], raw: dict) -> dict[str, Upstream]:
    """`<COMPONENT>_URL` wins over the file, the file over the conventional local port."""
    upstreams = {}
    for component in sorted({a.component for a in apis}):
        configured = ((raw or {}).get(component) or {}).get("url")
        default = configured or f"http://127.0.0.1:{PORTS.get(component, 80)}"
        url = env_str(f"{component.upper()}_URL", default).rstrip("/")
        if urlsplit(url).scheme != "http":
            raise ConfigError(f"component {component}: only http:// upstreams are supported (got {url})")
        upstreams[component] = Upstream(component, url)
    return upstreams


def load(path: str | None = None) -> GatewayConfig:
    path = path or env_str("GATEWAY_ROUTES", DEFAULT_ROUTES_FILE)
    try:
        with open(path) as handle:
            raw = yaml.safe_load(handle) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read the routing table {path}: {exc.strerror} (set GATEWAY_ROUTES)")
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}")
    apis = _apis(raw.get("apis"), path)
    # A deployment that runs only some components says which (make up does): the APIs of the
    # others are neither routed nor listed, and do not make the aggregated health fail.
    deployed = env_list("GATEWAY_COMPONENTS")
    if deployed:
        apis = tuple(api for api in apis if api.component in deployed)
    limits = raw.get("limits") or {}
    return GatewayConfig(
        apis=apis,
        upstreams=_upstreams(apis, raw.get("components")),
        rate_limits=_rate_limits(raw.get("rate_limits"), path),
        max_body_bytes=env_int("GATEWAY_MAX_BODY_BYTES", int(limits.get("max_body_bytes", 4 * 1024**3))),
        connect_timeout=env_float("GATEWAY_CONNECT_TIMEOUT", float(limits.get("connect_timeout", 3))),
        read_timeout=env_float("GATEWAY_READ_TIMEOUT", float(limits.get("read_timeout", 60))),
        health_timeout=env_float("GATEWAY_HEALTH_TIMEOUT", float(limits.get("health_timeout", 2))),
        max_connections=env_int("GATEWAY_MAX_UPSTREAM_CONNECTIONS",
                                int(limits.get("max_upstream_connections", 200))),
        upstream_max_requests=env_int("GATEWAY_UPSTREAM_MAX_REQUESTS",
                                      int(limits.get("upstream_max_requests", 100))),
        trust_forwarded=env_bool("GATEWAY_TRUST_FORWARDED", False),
        access_log=env_bool("GATEWAY_ACCESS_LOG", True),
        redis_url=redis_url(),
        authorizations_url=component_url("authorizations", PORTS["authorizations"]),
        service_client_id=env_str("GRONDWERK_SERVICE_CLIENT_ID", "grondwerk-services"),
        service_secret=env_str("GRONDWERK_SERVICE_SECRET", "insecure-development-service-secret"),
        auth_local_ttl=env_float("AUTH_LOCAL_CACHE_SECONDS", 2.0),
        auth_remote_ttl=env_int("AUTH_REMOTE_CACHE_SECONDS", 300),
        jwt_leeway=env_int("JWT_LEEWAY", 5),
        jwt_max_age=env_int("JWT_MAX_AGE", 0),
        source=path,
    )
