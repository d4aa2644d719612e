"""Rate-limit leases against real Redis (several gateway processes never let more through than
the limit), and the routing configuration (YAML plus environment)."""

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from components.kernel.env import redis_url
from gateway.config import ConfigError, RateLimits, load
from gateway.ratelimit import RateLimiter, lease_size


def test_processes_sharing_redis_let_exactly_the_limit_through():
    client_id = f"rl-{uuid.uuid4().hex[:8]}"

    async def body():
        redis_client = aioredis.Redis.from_url(redis_url())
        limits = RateLimits(window_seconds=3600, default=1000)
        # Three limiters: three gateway processes taking turns.
        limiters = [RateLimiter(redis_client, limits) for _ in range(3)]
        allowed = 0
        for index in range(1500):
            decision = await limiters[index % 3].check(client_id, "zaken")
            allowed += decision.allowed
        keys = await redis_client.keys(f"grondwerk:gateway:ratelimit:{client_id}:*")
        await redis_client.delete(*keys)
        await redis_client.aclose()
        return allowed

    assert lease_size(1000) == 10  # leases, not one round trip per request
    assert asyncio.run(body()) == 1000


def test_the_most_specific_limit_wins():
    limits = RateLimits(default=10, clients={"a": 20}, apis={"documenten": 5},
                        overrides={("a", "documenten"): 7})
    assert limits.limit_for("a", "documenten") == 7
    assert limits.limit_for("b", "documenten") == 5
    assert limits.limit_for("a", "zaken") == 20
    assert limits.limit_for("b", "zaken") == 10


def test_unlimited_clients_get_no_decision():
    async def body():
        redis_client = aioredis.Redis.from_url(redis_url())
        decision = await RateLimiter(redis_client, RateLimits(default=0)).check("x", "zaken")
        await redis_client.aclose()
        return decision

    assert asyncio.run(body()) is None


def test_redis_down_lets_requests_through():
    async def body():
        dead = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
        decision = await RateLimiter(dead, RateLimits(default=1)).check("x", "zaken")
        await dead.aclose()
        return decision

    assert asyncio.run(body()) is None


def test_only_deployed_components_are_routed_when_named(monkeypatch):
    monkeypatch.delenv("GATEWAY_ROUTES", raising=False)
    monkeypatch.setenv("GATEWAY_COMPONENTS", "authorizations,cases")
    config = load()
    assert {api.component for api in config.apis} == {"authorizations", "cases"}
    assert set(config.upstreams) == {"authorizations", "cases"}


def test_the_deploy_routing_table_routes_every_api(monkeypatch):
    monkeypatch.delenv("GATEWAY_ROUTES", raising=False)
    monkeypatch.delenv("GATEWAY_COMPONENTS", raising=False)
    for component in ("AUTHORIZATIONS", "PERSONS", "CASES", "DOCUMENTS", "NOTIFICATIONS"):
        monkeypatch.delenv(f"{component}_URL", raising=False)
    monkeypatch.setenv("CASES_URL", "http://cases.internal:9003")
    config = load()
    prefixes = {api.prefix: api.component for api in config.apis if api.listed}
    assert prefixes == {"/autorisaties/": "authorizations", "/haalcentraal/": "persons", "/zaken/": "cases",
                        "/catalogi/": "cases", "/besluiten/": "cases", "/documenten/": "documents",
                        "/notificaties/": "notifications"}
    assert config.upstreams["cases"].url == "http://cases.internal:9003"  # env wins
    assert config.upstreams["documents"].url == "http://127.0.0.1:8004"
    assert config.api("autorisaties").is_blocked("/autorisaties/internal/v1/introspect")
    assert config.api("zaken").is_public("/zaken/api/v1/schema/openapi.yaml")
    assert not config.api("zaken").is_public("/zaken/api/v1/zaken")


@pytest.mark.parametrize("content, message", [
    ("apis: []", "non-empty list"),
    ("apis: [{id: x, title: X, prefix: x, component: c}]", "prefix must look like"),
    ("apis: [{id: x, title: X, prefix: /x/}]", "missing component"),
    ("apis: [{id: x, title: X, prefix: /x/, component: c}, {id: y, title: Y, prefix: /x/, component: c}]",
     "routed twice"),
    ("apis: [{id: x, title: X, prefix: /x/, component: c}]\nrate_limits: {default: -1}", "whole number"),
    ("apis: [", "not valid YAML"),
])
def test_a_broken_routing_table_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "routes.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load(str(path))
