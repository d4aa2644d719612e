"""The kernel's AsyncTokenVerifier against real Redis, and its HTTP introspector against the real
authorizations component: the same caches and invalidation as the sync verifier, awaited."""

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from components.kernel.auth.async_verification import AsyncHttpIntrospector, AsyncTokenVerifier
from components.kernel.auth.introspection import ServiceCredentials
from components.kernel.auth.tokens import TokenError, sign, unverified_client_id
from components.kernel.auth.verification import AuthorizationsUnavailable, TokenVerifier, invalidate_client
from components.kernel.env import redis_url


class CountingIntrospector:
    def __init__(self, scopes=("autorisaties.lezen",), active=True):
        self.calls = 0
        self.scopes = set(scopes)
        self.active = active

    async def __call__(self, token):
        self.calls += 1
        if not self.active:
            return {"active": False, "code": "unknown-client", "detail": "Onbekend.", "status": 401}
        client_id = unverified_client_id(token)
        return {"active": True,
                "claims": {"client_id": client_id, "iat": 1, "iss": client_id, "user_id": "",
                           "user_representation": ""},
                "applicatie": {"uuid": "u", "label": "l", "client_ids": [client_id],
                               "autorisaties": [{"component": "ac", "scopes": sorted(self.scopes)}]}}


def unique_token() -> str:
    return sign(f"client-{uuid.uuid4().hex[:8]}", "secret")


def run(coroutine):
    return asyncio.run(coroutine)


async def with_redis(body):
    client = aioredis.Redis.from_url(redis_url())
    try:
        return await body(client)
    finally:
        await client.aclose()


def test_local_cache_answers_a_repeated_token_without_asking_again():
    async def body(client):
        introspect = CountingIntrospector()
        verifier = AsyncTokenVerifier(introspect, client, local_ttl=60)
        token = unique_token()
        first = await verifier.verify_header(f"Bearer {token}")
        second = await verifier.verify_header(f"Bearer {token}")
        return introspect.calls, first, second

    calls, first, second = run(with_redis(body))
    assert calls == 1
    assert first == second
    assert first.applicatie.scopes_for("ac") == {"autorisaties.lezen"}


def test_redis_entries_are_shared_with_the_sync_verifier():
    token = unique_token()

    async def body(client):
        introspect = CountingIntrospector()
        await AsyncTokenVerifier(introspect, client, local_ttl=0).verify(token)
        return introspect.calls

    assert run(with_redis(body)) == 1

    def never(_token):
        raise AssertionError("the sync verifier should have found the async verifier's cache entry")

    import redis as sync_redis
    identity = TokenVerifier(never, sync_redis.Redis.from_url(redis_url()), local_ttl=0).verify(token)
    assert identity.client_id == unverified_client_id(token)


def test_invalidating_the_client_forces_a_fresh_answer():
    async def body(client):
        import redis as sync_redis

        introspect = CountingIntrospector({"autorisaties.lezen"})
        verifier = AsyncTokenVerifier(introspect, client, local_ttl=0)
        token = unique_token()
        before = (await verifier.verify(token)).applicatie.scopes_for("ac")
        introspect.scopes = {"autorisaties.bijwerken"}
        invalidate_client(sync_redis.Redis.from_url(redis_url()), unverified_client_id(token))
        after = (await verifier.verify(token)).applicatie.scopes_for("ac")
        return before, after, introspect.calls

    assert run(with_redis(body)) == ({"autorisaties.lezen"}, {"autorisaties.bijwerken"}, 2)


def test_refusals_are_remembered_locally():
    async def body(client):
        introspect = CountingIntrospector(active=False)
        verifier = AsyncTokenVerifier(introspect, client, local_ttl=60)
        token = unique_token()
        codes = []
        for _ in range(3):
            with pytest.raises(TokenError) as refused:
                await verifier.verify(token)
            codes.append(refused.value.code)
        return codes, introspect.calls

    assert run(with_redis(body)) == (["unknown-client"] * 3, 1)


def test_malformed_tokens_are_refused_without_asking():
    async def body(client):
        introspect = CountingIntrospector()
        verifier = AsyncTokenVerifier(introspect, client)
        with pytest.raises(TokenError) as refused:
            await verifier.verify_header("Bearer not.a.jwt")
        return refused.value.code, introspect.calls

    assert run(with_redis(body)) == ("invalid-token", 0)


def test_without_redis_every_new_token_is_introspected():
    async def body():
        dead = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
        introspect = CountingIntrospector()
        verifier = AsyncTokenVerifier(introspect, dead, local_ttl=0)
        token = unique_token()
        await verifier.verify(token)
        await verifier.verify(token)
        await dead.aclose()
        return introspect.calls

    assert run(body()) == 2


def test_http_introspector_asks_the_authorizations_component(stack):
    async def body():
        credentials = ServiceCredentials("grondwerk-services", "insecure-development-service-secret")
        introspector = AsyncHttpIntrospector(stack.authorizations_url, credentials)
        try:
            verifier = AsyncTokenVerifier(introspector, None)
            identity = await verifier.verify(stack.demo.token())
            with pytest.raises(TokenError) as refused:
                await verifier.verify(sign(stack.demo.client_id, "wrong-secret"))
            wrong_service = AsyncHttpIntrospector(stack.authorizations_url,
                                                  ServiceCredentials("grondwerk-services", "x"))
            with pytest.raises(AuthorizationsUnavailable):
                await AsyncTokenVerifier(wrong_service, None).verify(stack.demo.token())
            await wrong_service.aclose()
            down = AsyncHttpIntrospector("http://127.0.0.1:1", credentials)
            with pytest.raises(AuthorizationsUnavailable):
                await AsyncTokenVerifier(down, None).verify(stack.demo.token())
            await down.aclose()
        finally:
            await introspector.aclose()
        return identity, refused.value.code

    identity, code = run(body())
    assert identity.client_id == stack.demo.client_id
    assert identity.applicatie.heeft_alle_autorisaties
    assert code == "bad-signature"


def test_invalidating_the_applicatie_reaches_answers_the_async_verifier_cached():
    import redis as sync_redis

    from components.kernel.auth.verification import invalidate_applicatie

    async def body(client):
        introspect = CountingIntrospector({"autorisaties.lezen"})
        verifier = AsyncTokenVerifier(introspect, client, local_ttl=0)
        token = unique_token()
        await verifier.verify(token)
        invalidated = invalidate_applicatie(sync_redis.Redis.from_url(redis_url()), "u")
        await verifier.verify(token)
        return unverified_client_id(token) in invalidated, introspect.calls

    assert run(with_redis(body)) == (True, 2)
