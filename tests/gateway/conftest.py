"""The gateway under test, as it runs for real: `python -m gateway` (its own HTTP server) in its
own process, in front of the real authorizations component (gunicorn, its own test database,
clients made with its management commands) and small fake components on loopback
(tests/gateway/fake_upstream.py) that echo, stream and stall on demand. `asgi_url` is the same
gateway app under uvicorn (`--server uvicorn`), for the tests that hold for both servers."""

import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
import redis
import yaml

from components.kernel.env import redis_url
from devstack.up import component_server

from .processes import (
    PYTHON,
    ROOT,
    Client,
    demo_client,
    free_port,
    grondwerk,
    prepare_authorizations_database,
    start,
    stop,
)

LIMITED_API_BODY = 1024 * 1024  # max_body_bytes of the zaken API in the test routing table
CONFIGURED_VERSION = "0.0-uit-configuratie"


@dataclass
class Stack:
    url: str
    log: Path
    gateway: subprocess.Popen
    fake_urls: dict[str, str]
    authorizations_url: str
    demo: Client
    limited: Client
    gateway_env: dict

    def seen_upstream(self, request_id: str) -> bool:
        return httpx.get(f"{self.fake_urls['cases']}/_seen/{request_id}").json()["seen"]

    def log_lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def log_entry(self, request_id: str) -> dict:
        """The access-log line of one request (the gateway writes its log in batches)."""
        deadline = time.monotonic() + 5
        while True:
            entries = [orjson.loads(line) for line in self.log_lines()]
            mine = [entry for entry in entries if entry.get("request_id") == request_id]
            if mine or time.monotonic() > deadline:
                assert len(mine) == 1, f"expected one access-log line for {request_id}, found {len(mine)}"
                return mine[0]
            time.sleep(0.02)


@pytest.fixture(scope="session")
def component_env() -> dict:
    return prepare_authorizations_database()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, component_env) -> Stack:
    tmp = tmp_path_factory.mktemp("gateway")
    env = dict(component_env)
    demo = demo_client(env)
    limited_id = f"gw-limited-{uuid.uuid4().hex[:8]}"
    created = dict(line.split("=", 1) for line in grondwerk(env, "create_client", limited_id, "--all").split())

    processes: list[subprocess.Popen] = []
    try:
        auth_port = free_port()
        auth_url = f"http://127.0.0.1:{auth_port}"
        # Served as `make up` serves it.
        processes.append(start(component_server("authorizations", auth_port, workers=2), env,
                               tmp / "authorizations.log", f"{auth_url}/_health/live"))

        fakes = {name: free_port() for name in ("cases", "documents", "notifications", "persons")}
        fake_urls = {name: f"http://127.0.0.1:{port}" for name, port in fakes.items()}
        processes.append(start(
            [PYTHON, "-m", "tests.gateway.fake_upstream", *(f"{n}={p}" for n, p in fakes.items())],
            env, tmp / "fakes.log", f"{fake_urls['cases']}/_health/ready"))

        routes = yaml.safe_load((ROOT / "deploy" / "gateway-routes.yaml").read_text())
        for api in routes["apis"]:
            if api["id"] == "zaken":
                api["max_body_bytes"] = LIMITED_API_BODY
            if api["id"] == "autorisaties":
                api["version"] = CONFIGURED_VERSION  # the portal shows the component's own once seen
        routes["apis"] += [
            {"id": "dood", "title": "Dode API", "prefix": "/dood/", "component": "dead"},
            {"id": "traag", "title": "Trage API", "prefix": "/traag/", "component": "slow", "read_timeout": 1},
            {"id": "verborgen", "title": "Verborgen", "prefix": "/verborgen/", "component": "cases",
             "public": ["/verborgen/"], "portal": False},
        ]
        routes["components"] = {"dead": {"url": f"http://127.0.0.1:{free_port()}"},
                                "slow": {"url": fake_urls["cases"]}}
        routes["rate_limits"] = {"window_seconds": 60, "default": 10_000,
                                 "overrides": [{"client": limited_id, "api": "zaken", "limit": 3}]}
        routes["limits"] = {"max_body_bytes": 300 * 1024 * 1024, "read_timeout": 10, "connect_timeout": 2,
                            "health_timeout": 1}
        routes_file = tmp / "routes.yaml"
        routes_file.write_text(yaml.safe_dump(routes))

        gateway_env = dict(env)
        gateway_env.update({f"{name.upper()}_URL": url for name, url in fake_urls.items()})
        gateway_env.update({"AUTHORIZATIONS_URL": auth_url, "GATEWAY_ROUTES": str(routes_file)})
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = tmp / "gateway.log"
        gateway = start([PYTHON, "-m", "gateway", "--port", str(port)], gateway_env, log, f"{url}/_health/live")
        processes.append(gateway)
        yield Stack(url=url, log=log, gateway=gateway, fake_urls=fake_urls, authorizations_url=auth_url,
                    demo=demo, limited=Client(limited_id, created["secret"]), gateway_env=gateway_env)
    finally:
        for process in reversed(processes):
            stop(process)
        redis.Redis.from_url(redis_url()).delete(
            *(redis.Redis.from_url(redis_url()).keys(f"grondwerk:gateway:ratelimit:{limited_id}:*") or [b"-"]))


@pytest.fixture(scope="session")
def asgi_url(stack, tmp_path_factory):
    """The same gateway app served by uvicorn instead of the gateway's own server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start([PYTHON, "-m", "gateway", "--port", str(port), "--server", "uvicorn"], stack.gateway_env,
                    tmp_path_factory.mktemp("gateway-uvicorn") / "gateway.log", f"{url}/_health/live")
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(params=["native", "uvicorn"])
def any_gw(request, stack) -> httpx.Client:
    """A client of the gateway under each server it runs on."""
    base_url = stack.url if request.param == "native" else request.getfixturevalue("asgi_url")
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def gw(stack) -> httpx.Client:
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        yield client
