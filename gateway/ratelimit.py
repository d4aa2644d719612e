"""Per-client, per-API rate limits: a fixed window counted in Redis, shared by every gateway process.

A process does not ask Redis on every request. It *leases* a few requests at a time
(`INCRBY n` on the window's counter) and spends them locally; a lease is at most 1% of the
limit, so the counter in Redis never lets more than `limit` requests through in a window,
all processes together, and a busy client costs one Redis round trip per lease instead of
one per request. A limit of a few requests is leased one by one, which makes it exact.
When Redis is unreachable the gateway lets requests through (and says so in its log) rather
than refusing every client.
"""

import logging
import math
import time
from dataclasses import dataclass

from .config import RateLimits

logger = logging.getLogger("gateway.ratelimit")

KEY = "grondwerk:gateway:ratelimit:{client_id}:{api_id}:{window}"
REDIS_RETRY_SECONDS = 5.0
NEED_LEASE = object()  # check_local: this one needs a round trip to Redis (`check`)


@dataclass(slots=True)  # not frozen: one is made per request, and frozen ones are slower to make
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"ratelimit-limit", b"%d" % self.limit),
            (b"ratelimit-remaining", b"%d" % self.remaining),
            (b"ratelimit-reset", b"%d" % self.reset),
        ]
        if not self.allowed:
            headers.append((b"retry-after", b"%d" % self.reset))
        return headers


class _Lease:
    __slots__ = ("window", "tokens", "counted", "exhausted")

    def __init__(self, window: int):
        self.window = window
        self.tokens = 0  # leased from Redis, not yet spent
        self.counted = 0  # the window's counter in Redis as last seen
        self.exhausted = False


def lease_size(limit: int) -> int:
    return max(1, min(limit // 100, 100))


class RateLimiter:
    def __init__(self, redis_client, limits: RateLimits):
        self.redis = redis_client
        self.limits = limits
        self._leases: dict[tuple[str, str], _Lease] = {}
        self._redis_down_until = 0.0

    def check_local(self, client_id: str, api_id: str):
        """The decision for one request when it needs no Redis (a lease in hand, or no limit):
        a Decision, None when no limit applies (or Redis is down), else `NEED_LEASE`."""
        limit = self.limits.limit_for(client_id, api_id)
        if not limit:
            return None
        window_seconds = self.limits.window_seconds
        now = time.time()
        window = int(now // window_seconds)
        key = (client_id, api_id)
        lease = self._leases.get(key)
        if lease is None or lease.window != window:
            lease = self._new_lease(key, window)
        if lease.tokens == 0 and not lease.exhausted:
            if time.monotonic() < self._redis_down_until:
                return None
            return NEED_LEASE
        return self._spend(lease, limit, window, window_seconds, now)

    async def check(self, client_id: str, api_id: str) -> Decision | None:
        """The decision for one request, or None when no limit applies (or Redis is down)."""
        decision = self.check_local(client_id, api_id)
        if decision is not NEED_LEASE:
            return decision
        limit = self.limits.limit_for(client_id, api_id)
        window_seconds = self.limits.window_seconds
        now = time.time()
        window = int(now // window_seconds)
        size = lease_size(limit)
        try:
            counted = await self._count(client_id, api_id, window, size, window_seconds)
        except Exception as exc:
            self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            logger.warning("rate limits not enforced: Redis unavailable (%s)", exc.__class__.__name__)
            return None
        key = (client_id, api_id)
        lease = self._leases.get(key)
        if lease is None or lease.window != window:
            lease = self._new_lease(key, window)
        granted = max(0, min(size, limit - (counted - size)))
        lease.counted = max(lease.counted, counted)
        lease.tokens += granted
        if granted == 0:
            lease.exhausted = True
        return self._spend(lease, limit, window, window_seconds, now)

    @staticmethod
    def _spend(lease: "_Lease", limit: int, window: int, window_seconds: int, now: float) -> Decision:
        reset = max(1, math.ceil((window + 1) * window_seconds - now))
        if lease.tokens == 0:
            return Decision(False, limit, 0, reset)
        lease.tokens -= 1
        remaining = max(0, limit - min(lease.counted, limit) + lease.tokens)
        return Decision(True, limit, remaining, reset)

    def _new_lease(self, key: tuple[str, str], window: int) -> _Lease:
        if len(self._leases) > 10_000:
            self._leases = {k: v for k, v in self._leases.items() if v.window >= window}
        lease = self._leases[key] = _Lease(window)
        return lease

    async def _count(self, client_id: str, api_id: str, window: int, size: int, window_seconds: int) -> int:
        key = KEY.format(client_id=client_id, api_id=api_id, window=window)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incrby(key, size)
            pipe.expire(key, window_seconds * 2)
            counted, _ = await pipe.execute()
        return int(counted)
