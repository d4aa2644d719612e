"""Token verification for asyncio servers (the gateway): the TokenVerifier's caches, awaited.

Same contract as `verification.TokenVerifier` and the same Redis entries (`TOKEN_KEY`, the
client's generation), so the gateway and the components share one cache and one invalidation.
The in-process cache is looked up by the token's digest before anything else: a token seen in
the last `local_ttl` seconds is answered without decoding it again and without a Redis round
trip, which is what keeps the gateway's own work under a millisecond. Refusals are remembered
locally for the same time, so a client repeating a bad token does not reach the authorizations
component on every request.
"""

import logging
import time

import httpx

from .introspection import INTROSPECTION_PATH, ServiceCredentials
from .tokens import TokenError, check_age, read_bearer, unverified_client_id
from .verification import (
    TOKEN_KEY,
    AuthorizationsUnavailable,
    Identity,
    applicatie_clients_key,
    decode_entry,
    encode_entry,
    generation_key,
    identity_from_answer,
    token_digest,
)

logger = logging.getLogger(__name__)

LOCAL_CACHE_LIMIT = 10_000


class AsyncHttpIntrospector:
    """Asks the authorizations component about a token over a pooled `httpx.AsyncClient`."""

    def __init__(self, authorizations_url: str, credentials: ServiceCredentials, timeout: float = 5.0,
                 client: httpx.AsyncClient | None = None):
        self.url = authorizations_url.rstrip("/") + INTROSPECTION_PATH
        self.credentials = credentials
        self.client = client or httpx.AsyncClient(timeout=timeout)

    async def __call__(self, token: str) -> dict:
        try:
            response = await self.client.post(
                self.url, json={"token": token},
                headers={"Authorization": self.credentials.authorization_header()},
            )
        except httpx.HTTPError as exc:
            raise AuthorizationsUnavailable(f"authorizations unreachable: {exc.__class__.__name__}")
        if response.status_code != 200:
            raise AuthorizationsUnavailable(f"authorizations answered {response.status_code}")
        return response.json()

    async def aclose(self) -> None:
        await self.client.aclose()


class AsyncTokenVerifier:
    """`await verifier.verify_header(header)` -> Identity, or raises TokenError /
    AuthorizationsUnavailable; `redis_client` is a `redis.asyncio.Redis` (or None)."""

    def __init__(self, introspect, redis_client=None, *, local_ttl: float = 2.0, remote_ttl: int = 300,
                 leeway: int = 5, max_age: int = 0):
        self.introspect = introspect
        self.redis = redis_client
        self.local_ttl = local_ttl
        self.remote_ttl = remote_ttl
        self.leeway = leeway
        self.max_age = max_age
        # digest -> (expires at, Identity or the TokenError that refused it)
        self._local: dict[str, tuple[float, Identity | TokenError]] = {}

    async def verify_header(self, authorization: str | None) -> Identity:
        return await self.verify(read_bearer(authorization))

    def cached(self, token: str) -> Identity | None:
        """The answer for a token seen in the last `local_ttl` seconds, without awaiting anything:
        its Identity, or its refusal raised; None when it has to be looked up (`verify`)."""
        hit = self._local.get(token_digest(token))
        if hit is None or hit[0] <= time.monotonic():
            return None
        return self._outcome(hit[1])

    async def verify(self, token: str) -> Identity:
        digest = token_digest(token)
        hit = self._local.get(digest)
        if hit is not None and hit[0] > time.monotonic():
            outcome = hit[1]
        else:
            try:
                outcome = await self._from_remote_or_introspection(token, digest)
            except TokenError as refusal:
                outcome = refusal
            self._remember(digest, outcome)
        return self._outcome(outcome)

    def _outcome(self, outcome: Identity | TokenError) -> Identity:
        if isinstance(outcome, TokenError):
            # The remembered refusal is raised again and again: without its old traceback,
            # which would otherwise grow by a few frames every time.
            raise outcome.with_traceback(None)
        # Age is checked on every use: a cached answer must not outlive the token.
        check_age(outcome.claims, leeway=self.leeway, max_age=self.max_age)
        return outcome

    def _remember(self, digest: str, outcome: Identity | TokenError) -> None:
        if self.local_ttl <= 0:
            return
        if len(self._local) >= LOCAL_CACHE_LIMIT:
            self._local.clear()
        self._local[digest] = (time.monotonic() + self.local_ttl, outcome)

    async def _from_remote_or_introspection(self, token: str, digest: str) -> Identity:
        client_id = unverified_client_id(token)
        generation = None
        if self.redis is not None:
            try:
                raw, gen = await self.redis.mget(TOKEN_KEY.format(digest=digest), generation_key(client_id))
                generation = int(gen or 0)
                answer = decode_entry(raw, generation)
                if answer is not None:
                    return identity_from_answer(answer)
            except TokenError:
                raise
            except Exception as exc:  # Redis down: fall back to asking every time
                logger.warning("auth cache unavailable: %s", exc.__class__.__name__)
                generation = None
        answer = await self.introspect(token)
        identity = identity_from_answer(answer)
        if generation is not None:
            try:
                # The same entries the sync verifier writes, so invalidate_applicatie reaches these too.
                applicatie_key = applicatie_clients_key(identity.applicatie.uuid)
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.set(TOKEN_KEY.format(digest=digest), encode_entry(answer, generation), ex=self.remote_ttl)
                    pipe.sadd(applicatie_key, client_id)
                    pipe.expire(applicatie_key, self.remote_ttl)
                    await pipe.execute()
            except Exception as exc:
                logger.warning("auth cache unavailable: %s", exc.__class__.__name__)
        return identity
