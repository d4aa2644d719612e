"""The gateway as an ASGI app, `gateway.app:app`: what `python -m gateway` serves with its own
HTTP server (`gateway.server`), and what runs under any ASGI server (`uvicorn gateway.app:app`).

A request whose path starts with an API's prefix goes to the proxy; anything else to the
portal site. The routing decision is one dictionary lookup on the first path segment.
"""

import logging

import redis.asyncio as redis

from components.kernel.auth.async_verification import AsyncHttpIntrospector, AsyncTokenVerifier
from components.kernel.auth.introspection import ServiceCredentials

from . import accesslog
from .config import Api, GatewayConfig, load
from .health import HealthChecker
from .portal import create_site
from .proxy import Proxy
from .ratelimit import RateLimiter

logger = logging.getLogger("gateway")


class Gateway:
    def __init__(self, config: GatewayConfig):
        self.config = config
        # first path segment -> the APIs under it, longest prefix first
        self.by_segment: dict[str, list[Api]] = {}
        for api in sorted(config.apis, key=lambda a: -len(a.prefix)):
            self.by_segment.setdefault(api.prefix.split("/")[1], []).append(api)
        self.started = False
        self.proxy: Proxy | None = None
        self.site = None

    async def startup(self) -> None:
        if self.started:
            return
        self.started = True
        config = self.config
        accesslog.configure(config.access_log)
        self.redis = redis.Redis.from_url(config.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.introspector = AsyncHttpIntrospector(
            config.authorizations_url, ServiceCredentials(config.service_client_id, config.service_secret))
        verifier = AsyncTokenVerifier(self.introspector, self.redis, local_ttl=config.auth_local_ttl,
                                      remote_ttl=config.auth_remote_ttl, leeway=config.jwt_leeway,
                                      max_age=config.jwt_max_age)
        self.proxy = Proxy(config, verifier, RateLimiter(self.redis, config.rate_limits))
        self.proxy.start()
        self.health = HealthChecker(config)
        self.site = create_site(config, self.health, self.proxy.live_versions)
        logger.info({"message": "gateway started", "routes": {a.prefix: config.upstreams[a.component].url
                                                                for a in config.apis}})

    async def shutdown(self) -> None:
        if not self.started:
            return
        self.proxy.close()
        accesslog.flush()
        await self.health.aclose()
        await self.introspector.aclose()
        await self.redis.aclose()

    def route(self, path: str) -> Api | None:
        """The API a path belongs to, or None for the gateway's own pages."""
        end = path.find("/", 1)
        if end > 0:
            for api in self.by_segment.get(path[1:end], ()):
                if path.startswith(api.prefix):
                    return api
        return None

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind == "http":
            if not self.started:
                await self.startup()  # servers that skip the lifespan protocol
            api = self.route(scope["path"])
            if api is not None:
                return await self.proxy.asgi(api, scope, receive, send)
            return await self.site(scope, receive, send)
        if kind == "lifespan":
            return await self._lifespan(receive, send)
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(config: GatewayConfig | None = None) -> Gateway:
    return Gateway(config or load())


app = create_app()
