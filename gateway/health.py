"""Health of the gateway (`/_health/live`) and of the suite behind it (`/_health`: every routed
component's `/_health/ready`, asked concurrently, each bounded by the health timeout)."""

import asyncio
import time

import httpx

from .config import GatewayConfig

# Answers are reused this long, so a portal refreshing in many browsers costs the
# components one readiness check per second at most.
CACHE_SECONDS = 1.0


class HealthChecker:
    def __init__(self, config: GatewayConfig):
        self.config = config
        self.client = httpx.AsyncClient(timeout=config.health_timeout)
        self._cached: tuple[float, dict] | None = None
        self._running: asyncio.Future | None = None

    async def aclose(self) -> None:
        await self.client.aclose()

    async def components(self) -> dict:
        """{"status": "ok"|"unavailable", "components": {name: {...}}}; checks run once at a time."""
        if self._cached and time.monotonic() - self._cached[0] < CACHE_SECONDS:
            return self._cached[1]
        if self._running is None:
            self._running = asyncio.ensure_future(self._check_all())
        try:
            return await asyncio.shield(self._running)
        finally:
            if self._running is not None and self._running.done():
                self._running = None

    async def _check_all(self) -> dict:
        names = sorted(self.config.upstreams)
        results = await asyncio.gather(*(self._check(name) for name in names))
        components = dict(zip(names, results, strict=True))
        healthy = all(result["status"] == "ok" for result in components.values())
        answer = {"status": "ok" if healthy else "unavailable", "component": "gateway",
                  "components": components}
        self._cached = (time.monotonic(), answer)
        return answer

    async def _check(self, component: str) -> dict:
        url = self.config.upstreams[component].url + "/_health/ready"
        started = time.perf_counter()
        try:
            response = await self.client.get(url)
        except httpx.TimeoutException:
            return {"status": "unavailable", "reason": "timeout", "ms": self._ms(started)}
        except httpx.HTTPError as exc:
            return {"status": "unavailable", "reason": exc.__class__.__name__, "ms": self._ms(started)}
        result = {"status": "ok" if response.status_code == 200 else "unavailable",
                  "http_status": response.status_code, "ms": self._ms(started)}
        try:
            checks = response.json().get("checks")
        except ValueError:
            checks = None
        if isinstance(checks, dict):
            result["checks"] = checks
        return result

    @staticmethod
    def _ms(started: float) -> float:
        return round((time.perf_counter() - started) * 1000, 1)
