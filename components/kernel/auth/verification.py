"""Token verification with a two-level cache in front of the authorizations component.

Secrets never leave the authorizations component: a component hands it the token
(introspection) and caches the answer, keyed by the token's hash, in-process for
`local_ttl` seconds and in Redis for `remote_ttl` seconds. Every cached answer
carries the client's *generation*; the authorizations component bumps that counter
(`invalidate_client`) after each change to an applicatie, so a change takes effect
everywhere within `local_ttl` seconds. Without Redis, verification still works: every
request is introspected.
"""

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .applicaties import Applicatie
from .tokens import Claims, TokenError, check_age, read_bearer, unverified_client_id

logger = logging.getLogger(__name__)

TOKEN_KEY = "grondwerk:auth:token:{digest}"
GENERATION_KEY = "grondwerk:auth:generation:{client_id}"
# The client ids whose answers were cached for an applicatie: a notificatie on `autorisaties`
# names only the applicatie, and these are the clients to invalidate (see invalidate_applicatie).
APPLICATIE_CLIENTS_KEY = "grondwerk:auth:applicatie:{uuid}:clients"


class AuthorizationsUnavailable(Exception):
    """The authorizations component could not be asked: a 503, never a refusal."""


@dataclass(frozen=True)
class Identity:
    """A verified caller: the token's claims and the applicatie its client_id belongs to."""

    claims: Claims
    applicatie: Applicatie

    @property
    def client_id(self) -> str:
        return self.claims.client_id


# An introspector answers {"active": True, "claims": {...}, "applicatie": {...}}
# or {"active": False, "code": ..., "detail": ...} for one token.
Introspector = Callable[[str], dict]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def generation_key(client_id: str) -> str:
    return GENERATION_KEY.format(client_id=client_id)


def identity_from_answer(answer: dict) -> Identity:
    if not answer.get("active"):
        raise TokenError(answer.get("code") or "invalid-token",
                         answer.get("detail") or "Het token wordt niet geaccepteerd.",
                         int(answer.get("status") or 401))
    return Identity(Claims.from_dict(answer["claims"]), Applicatie.from_dict(answer["applicatie"]))


def encode_entry(answer: dict, generation: int) -> str:
    return json.dumps({"generation": generation, "answer": answer})


def decode_entry(raw: bytes | str | None, generation: int) -> dict | None:
    """The cached answer, or None when absent or written before the client's last change."""
    if not raw:
        return None
    entry = json.loads(raw)
    if entry.get("generation") != generation:
        return None
    return entry["answer"]


def invalidate_client(redis_client, client_id: str) -> None:
    """Make every cached answer for `client_id` stale (call after the change is committed)."""
    redis_client.incr(generation_key(client_id))


def applicatie_clients_key(applicatie_uuid: str) -> str:
    return APPLICATIE_CLIENTS_KEY.format(uuid=applicatie_uuid)


def invalidate_applicatie(redis_client, applicatie_uuid: str) -> list[str]:
    """Make stale every cached answer given for this applicatie, whatever client ids it has now
    (a removed client id was cached under it too); returns the client ids invalidated."""
    key = applicatie_clients_key(applicatie_uuid)
    client_ids = sorted(raw.decode() if isinstance(raw, bytes) else raw for raw in redis_client.smembers(key))
    for client_id in client_ids:
        invalidate_client(redis_client, client_id)
    return client_ids


class TokenVerifier:
    def __init__(self, introspect: Introspector, redis_client=None, *, local_ttl: float = 2.0,
                 remote_ttl: int = 300, leeway: int = 5, max_age: int = 0):
        self.introspect = introspect
        self.redis = redis_client
        self.local_ttl = local_ttl
        self.remote_ttl = remote_ttl
        self.leeway = leeway
        self.max_age = max_age
        self._local: dict[str, tuple[float, Identity]] = {}
        self._lock = threading.Lock()

    def verify_header(self, authorization: str | None) -> Identity:
        return self.verify(read_bearer(authorization))

    def verify(self, token: str) -> Identity:
        client_id = unverified_client_id(token)
        digest = token_digest(token)
        identity = self._from_local(digest)
        if identity is None:
            identity = self._from_remote_or_introspection(token, digest, client_id)
            with self._lock:
                if len(self._local) > 10_000:
                    self._local.clear()
                self._local[digest] = (time.monotonic() + self.local_ttl, identity)
        # Age is checked on every use: a cached answer must not outlive the token.
        check_age(identity.claims, leeway=self.leeway, max_age=self.max_age)
        return identity

    def _from_local(self, digest: str) -> Identity | None:
        hit = self._local.get(digest)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return None

    def _from_remote_or_introspection(self, token: str, digest: str, client_id: str) -> Identity:
        generation = None
        if self.redis is not None:
            try:
                raw, gen = self.redis.mget(TOKEN_KEY.format(digest=digest), generation_key(client_id))
                generation = int(gen or 0)
                answer = decode_entry(raw, generation)
                if answer is not None:
                    return identity_from_answer(answer)
            except Exception as exc:  # Redis down: fall back to asking every time
                logger.warning("auth cache unavailable: %s", exc.__class__.__name__)
                generation = None
        answer = self.introspect(token)
        identity = identity_from_answer(answer)
        if generation is not None:
            try:
                pipe = self.redis.pipeline(transaction=False)
                pipe.set(TOKEN_KEY.format(digest=digest), encode_entry(answer, generation), ex=self.remote_ttl)
                applicatie_key = applicatie_clients_key(identity.applicatie.uuid)
                pipe.sadd(applicatie_key, client_id)
                pipe.expire(applicatie_key, self.remote_ttl)
                pipe.execute()
            except Exception as exc:
                logger.warning("auth cache unavailable: %s", exc.__class__.__name__)
        return identity
