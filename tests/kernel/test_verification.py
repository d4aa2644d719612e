"""The token verifier's caches against real Redis: hits, generations, and Redis outages."""

import uuid

import pytest
import redis

from components.kernel.auth.tokens import TokenError, sign
from components.kernel.auth.verification import TokenVerifier, invalidate_client
from components.kernel.env import redis_url


class CountingIntrospector:
    def __init__(self, scopes):
        self.calls = 0
        self.scopes = scopes

    def __call__(self, token):
        self.calls += 1
        return {"active": True,
                "claims": {"client_id": "c", "iat": 1, "iss": "c", "user_id": "", "user_representation": ""},
                "applicatie": {"uuid": "u", "label": "l", "client_ids": ["c"],
                               "autorisaties": [{"component": "ac", "scopes": list(self.scopes)}]}}


@pytest.fixture
def redis_client():
    return redis.Redis.from_url(redis_url())


def unique_token():
    return sign(f"client-{uuid.uuid4().hex[:8]}", "secret")


def test_second_verification_is_served_from_cache(redis_client):
    introspect = CountingIntrospector({"autorisaties.lezen"})
    verifier = TokenVerifier(introspect, redis_client, local_ttl=60)
    token = unique_token()
    verifier.verify(token)
    verifier.verify(token)
    assert introspect.calls == 1


def test_remote_cache_is_shared_between_processes(redis_client):
    introspect = CountingIntrospector({"autorisaties.lezen"})
    token = unique_token()
    TokenVerifier(introspect, redis_client, local_ttl=0).verify(token)
    TokenVerifier(introspect, redis_client, local_ttl=0).verify(token)
    assert introspect.calls == 1


def test_invalidating_a_client_forces_a_fresh_answer(redis_client):
    from components.kernel.auth.tokens import unverified_client_id

    introspect = CountingIntrospector({"autorisaties.lezen"})
    verifier = TokenVerifier(introspect, redis_client, local_ttl=0)
    token = unique_token()
    assert verifier.verify(token).applicatie.scopes_for("ac") == {"autorisaties.lezen"}
    introspect.scopes = {"autorisaties.bijwerken"}
    invalidate_client(redis_client, unverified_client_id(token))
    assert verifier.verify(token).applicatie.scopes_for("ac") == {"autorisaties.bijwerken"}
    assert introspect.calls == 2


def test_refusals_are_not_cached(redis_client):
    calls = []

    def refuse(token):
        calls.append(token)
        return {"active": False, "code": "unknown-client", "detail": "onbekend"}

    verifier = TokenVerifier(refuse, redis_client)
    token = unique_token()
    for _ in range(2):
        with pytest.raises(TokenError) as err:
            verifier.verify(token)
        assert err.value.code == "unknown-client"
    assert len(calls) == 2


def test_without_redis_every_request_is_introspected():
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    introspect = CountingIntrospector({"autorisaties.lezen"})
    verifier = TokenVerifier(introspect, dead, local_ttl=0)
    token = unique_token()
    verifier.verify(token)
    verifier.verify(token)
    assert introspect.calls == 2
