"""The reverse proxy: check a request early (path, token, rate limit, size), then stream it to its
component and the answer back, with hop-by-hop headers removed (RFC 9110 §7.6.1) and
`X-Forwarded-*` and `X-Request-ID` set so the component builds public gateway URLs.

The proxy works on an `Incoming` request rather than on one server's objects: the gateway's
own HTTP server (`gateway.server`, what `python -m gateway` runs) implements it directly on its
connections, and `AsgiIncoming` implements it over ASGI's scope/receive/send, so `gateway.app:app`
proxies the same way under any ASGI server. One pass over the headers, one small object per
request, and a small answer goes back to the client in one piece.
"""

import asyncio
import itertools
import logging
import os
import time
from typing import Protocol

from components.kernel.auth.tokens import TokenError, read_bearer
from components.kernel.auth.verification import AuthorizationsUnavailable
from components.kernel.logging import REQUEST_ID_PATTERN

from . import accesslog
from .config import Api, GatewayConfig
from .problems import problem_response
from .ratelimit import NEED_LEASE, RateLimiter
from .upstream import HOP_BY_HOP, UpstreamConnection, UpstreamError, UpstreamPool

logger = logging.getLogger("gateway.proxy")

# Set by the gateway itself, whatever the client or the component sent.
OWN_REQUEST_HEADERS = frozenset({
    b"host", b"content-length", b"expect", b"x-request-id",
    b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-prefix",
})
PLAIN_CONNECTION = frozenset({b"keep-alive", b"Keep-Alive", b"close", b"Close"})
# Every request header the loop below does more with than pass on.
SPECIAL_REQUEST_HEADERS = HOP_BY_HOP | OWN_REQUEST_HEADERS | {b"authorization"}
# A chunked request body up to this size is sent on with a Content-Length, because Django
# (behind gunicorn) reads no body that comes without one.
CHUNKED_BUFFER = 1024 * 1024
BEARER_CHALLENGE = [(b"www-authenticate", b'Bearer realm="zgw"')]


class RequestRefused(Exception):
    def __init__(self, status: int, code: str, detail: str, headers=None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers


class ClientGone(Exception):
    """The client went away: nothing left to answer."""


class Incoming(Protocol):
    """One client request as the proxy needs it, whatever server received it."""

    method: str
    path: str  # percent-decoded: what routing, the public/blocked lists and the dot check look at
    target: bytes  # the path and query as received, forwarded unchanged
    headers: list[tuple[bytes, bytes]]  # names in lower case
    peer: bytes  # the client's address
    server_host: bytes  # the gateway's own address: the host when the client named none
    scheme: bytes

    async def receive(self) -> tuple[bytes, bool]:
        """The next piece of the request body and whether more follows; raises ClientGone."""

    async def respond(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"",
                      more: bool = False) -> None:
        """Start the answer with (the first part of) its body; a client that left is ignored."""

    async def write(self, body: bytes, more: bool) -> None:
        """More of the answer's body; `more=False` ends it."""

    def gone(self) -> bool:
        """Whether the client went away (asked while an answer streams)."""


class FastIncoming(Incoming, Protocol):
    """What `Proxy.try_fast` needs beyond `Incoming`: to answer without awaiting, and to hand
    the rest of the work to a task of the server's (which finishes an abandoned answer)."""

    body_done: bool  # the whole request body (usually none) has been received

    def answer(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """The complete answer, written at once."""

    def abort(self) -> None:
        """End the exchange without an answer: the connection is closed."""

    def spawn(self, work) -> None:
        """Run `work` (a coroutine that answers) as this request's task."""


# Request ids the gateway makes: 32 hex digits, a random part per process and a counter.
# Unique without asking the system for randomness on every request; ids are not secrets.
_request_ids = itertools.count()
_request_id_prefix = os.urandom(10).hex()


def _new_process_ids() -> None:
    global _request_id_prefix, _request_ids
    _request_id_prefix = os.urandom(10).hex()
    _request_ids = itertools.count()


os.register_at_fork(after_in_child=_new_process_ids)


def new_request_id() -> str:
    return f"{_request_id_prefix}{next(_request_ids) & 0xFFFFFFFFFFFF:012x}"


def _connection_tokens(value: bytes) -> set[bytes] | None:
    """The headers a `Connection` header names, beyond those dropped anyway; None for none."""
    if value in PLAIN_CONNECTION:
        return None  # the usual `keep-alive` or `close`, named without any header to drop
    tokens = {token.strip().lower() for token in value.split(b",") if token.strip()} - HOP_BY_HOP
    tokens.discard(b"close")
    return tokens or None


def _has_dot_segment(path: str) -> bool:
    return "/." in path and any(segment in (".", "..") for segment in path.split("/"))


class Exchange:
    """One request on its way through: what the exchange needs and what the access log reports.
    Most fields keep their class-level default for most requests; only what differs is set."""

    client_id = ""
    status = 0
    bytes_in = 0
    bytes_out = 0
    upstream_ms: float | None = None
    error = ""
    rate_headers: list[tuple[bytes, bytes]] | tuple = ()
    prefetched: list[bytes] | tuple = ()  # a small chunked body, read before sending (a list then)
    body_done = True
    chunked = False
    read_timeout = 0.0
    max_body = 0
    responded = False
    sent_at = 0.0

    def __init__(self, api: Api, req: Incoming, started: float, request_id: str):
        self.api = api
        self.req = req
        self.started = started
        self.request_id = request_id
        self.id_header = (b"x-request-id", request_id.encode())


class Proxy:
    def __init__(self, config: GatewayConfig, verifier, limiter: RateLimiter):
        self.config = config
        self.verifier = verifier
        self.limiter = limiter
        self.pools: dict[str, UpstreamPool] = {}
        # API id -> the API-version its component last answered with (shown in the portal)
        self.live_versions: dict[str, str] = {}

    def start(self) -> None:
        """Create the connection pools (inside the running event loop)."""
        for component, upstream in self.config.upstreams.items():
            self.pools[component] = UpstreamPool(
                upstream.host, upstream.port, connect_timeout=self.config.connect_timeout,
                max_connections=self.config.max_connections, max_exchanges=self.config.upstream_max_requests)

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()

    async def asgi(self, api: Api, scope, receive, send) -> None:
        """Proxy one request given as ASGI."""
        incoming = AsgiIncoming(scope, receive, send)
        try:
            await self.handle(api, incoming)
        finally:
            incoming.close()

    async def handle(self, api: Api, req: Incoming) -> None:
        """Proxy one request (the general path: any request, any server)."""
        exchange, parsed = self._begin(api, req)
        await self._run(exchange, self._proxy(exchange, *parsed))

    def try_fast(self, api: Api, req) -> bool:
        """Proxy the usual request without a task of its own, or return False (before touching
        it) for `handle` to do it. A `FastIncoming` only (the gateway's own server).

        The usual request has no body, a token the verifier answers from its local cache, a rate
        limit this process holds a lease for, and a kept-alive connection free: it is checked
        and sent on here, synchronously, and answered from the upstream connection's callback
        (`_upstream_ready`) once the whole (small) answer is in. Whatever is not usual, up to
        and including a failure or a large answer after it was sent, is taken over by the
        general path's own code, from where the fast path got to."""
        path = req.path
        if not req.body_done or "/." in path or api.is_blocked(path):
            return False
        exchange, parsed = self._begin(api, req)
        forward, authorization, content_length, chunked, host, forwarded = parsed
        if content_length is not None or chunked:
            req.spawn(self._run(exchange, self._proxy(exchange, *parsed)))
            return True
        if not api.is_public(path):
            identity = None
            if authorization is not None:
                try:
                    identity = self.verifier.cached(read_bearer(authorization.decode("latin-1")))
                except TokenError:
                    pass  # refused: the general path says why
            decision = NEED_LEASE
            if identity is not None:
                decision = self.limiter.check_local(identity.client_id, api.id)
            if decision is NEED_LEASE:
                # Nothing was counted yet: the general path checks it all from the start.
                req.spawn(self._run(exchange, self._proxy(exchange, *parsed)))
                return True
            exchange.client_id = identity.client_id
            if decision is not None:
                exchange.rate_headers = decision.headers()
                if not decision.allowed:
                    req.spawn(self._run(exchange, self._refuse_throttled(exchange, decision)))
                    return True
        exchange.read_timeout = api.read_timeout or self.config.read_timeout
        head = self._head(exchange, forward, host, forwarded, None, False)
        pool = self.pools[api.component]
        if not pool.take_slot():
            req.spawn(self._run(exchange, self._forward(exchange, head)))
            return True
        connection = pool.idle_connection()
        if connection is None:
            req.spawn(self._run(exchange, self._forward(exchange, head, slot_taken=True)))
            return True
        exchange.sent_at = time.perf_counter()
        connection.start(head, req.method == "HEAD")
        connection.exchange = (exchange, head)
        connection.listen(self._upstream_ready, exchange.read_timeout)
        return True

    def _upstream_ready(self, connection: UpstreamConnection) -> None:
        """The fast path's callback: the answer is here (or the exchange went wrong)."""
        exchange, head = connection.exchange
        connection.exchange = None
        if connection.error is not None or not connection.complete:
            # A failure (retried or answered by the general path) or a body to stream.
            exchange.req.spawn(self._run(exchange, self._forward(exchange, head, connection)))
            return
        pool = self.pools[exchange.api.component]
        try:
            headers = self._answer_head(exchange, connection)
            body = connection.ready_body()
            length = connection.content_length
            pool.release(connection)  # free for the next request, which answer() may start
            pool.free_slot()
            exchange.bytes_out = len(body)
            exchange.req.answer(exchange.status, headers, body, length if length >= 0 else None)
        except Exception:
            # A bug: logged with its trace; the client sees its connection closed.
            logger.exception("unhandled error while proxying")
            exchange.error = "error"
            if not connection.closed and connection not in pool.idle:
                connection.close()
                pool.free_slot()
            exchange.req.abort()
        self._log(exchange)

    def _begin(self, api: Api, req: Incoming) -> tuple[Exchange, tuple]:
        """One pass over the request headers: what is forwarded, and what the gateway reads."""
        started = time.perf_counter()
        incoming_id = b""
        authorization = None
        content_length = None
        chunked = False
        host = b""
        forwarded_for = forwarded_host = forwarded_proto = forwarded_prefix = None
        dropped: set[bytes] | None = None
        forward: list[tuple[bytes, bytes]] = []
        special = SPECIAL_REQUEST_HEADERS
        for header in req.headers:
            name = header[0]
            if name not in special:
                if name.startswith(b"proxy-"):
                    continue
                forward.append(header)
            elif name in HOP_BY_HOP:
                if name == b"connection":
                    tokens = _connection_tokens(header[1])
                    if tokens:
                        dropped = tokens | dropped if dropped else tokens
                elif name == b"transfer-encoding":
                    chunked = True
            elif name == b"authorization":
                authorization = header[1]
                forward.append(header)
            elif name == b"host":
                host = header[1]
            elif name == b"content-length":
                content_length = header[1]
            elif name == b"x-request-id":
                incoming_id = header[1]
            elif name == b"x-forwarded-for":
                forwarded_for = header[1]
            elif name == b"x-forwarded-host":
                forwarded_host = header[1]
            elif name == b"x-forwarded-proto":
                forwarded_proto = header[1]
            elif name == b"x-forwarded-prefix":
                forwarded_prefix = header[1]
        if dropped:
            forward = [(n, v) for n, v in forward if n not in dropped]

        request_id = incoming_id.decode("latin-1") if incoming_id else ""
        if not (request_id and REQUEST_ID_PATTERN.match(request_id)):
            request_id = new_request_id()
        exchange = Exchange(api, req, started, request_id)
        return exchange, (forward, authorization, content_length, chunked, host,
                          (forwarded_for, forwarded_host, forwarded_proto, forwarded_prefix))

    async def _run(self, exchange: Exchange, work) -> None:
        """Await the work on an exchange; what goes wrong becomes its answer, and it is logged."""
        req, id_header = exchange.req, exchange.id_header
        try:
            try:
                await work
            except RequestRefused as refusal:
                exchange.status = refusal.status
                exchange.error = refusal.code
                exchange.bytes_out = await self._problem(req, refusal.status, refusal.code, refusal.detail,
                                                         [id_header, *(refusal.headers or ())])
            except UpstreamError as error:
                # Only raised before the answer started: connect failures, timeouts, broken heads.
                api = exchange.api
                exchange.status = error.status
                exchange.error = error.code
                exchange.bytes_out = await self._problem(
                    req, error.status, error.code, f"{api.title} ({api.component}): {error.detail}.", [id_header])
            except ClientGone:
                exchange.error = "client-disconnected"
            except Exception:
                # A bug: logged with its trace, answered without one.
                logger.exception("unhandled error while proxying")
                exchange.error = "error"
                if not exchange.responded:
                    exchange.status = 500
                    exchange.bytes_out = await self._problem(
                        req, 500, "error", "Er is een onverwachte fout opgetreden.", [id_header])
        finally:
            self._log(exchange)

    @staticmethod
    def _log(exchange: Exchange) -> None:
        req = exchange.req
        accesslog.log_request(exchange.request_id, exchange.client_id, exchange.api.id, req.method, req.path,
                              exchange.status, exchange.bytes_in, exchange.bytes_out, exchange.upstream_ms,
                              (time.perf_counter() - exchange.started) * 1000, exchange.error)

    @staticmethod
    async def _problem(req: Incoming, status: int, code: str, detail: str, headers) -> int:
        headers, body = problem_response(status, code, detail, headers)
        await req.respond(status, headers, body)
        return len(body)

    async def _refuse_throttled(self, exchange: Exchange, decision) -> None:
        raise RequestRefused(429, "throttled", f"Te veel verzoeken voor {exchange.api.title}; probeer het "
                             f"over {decision.reset} seconden opnieuw.", exchange.rate_headers)

    async def _proxy(self, exchange: Exchange, forward, authorization, content_length, chunked, host,
                     forwarded) -> None:
        api, req = exchange.api, exchange.req
        path = req.path
        if api.is_blocked(path):
            raise RequestRefused(404, "not_found", "Deze URL bestaat niet.")
        if _has_dot_segment(path):
            raise RequestRefused(400, "invalid-path", "Een pad met '.' of '..' als segment wordt niet doorgestuurd.")

        if not api.is_public(path):
            try:
                token = read_bearer(authorization.decode("latin-1") if authorization else None)
                # From the local cache without awaiting anything, the usual case; else looked up.
                identity = self.verifier.cached(token) or await self.verifier.verify(token)
            except TokenError as error:
                raise RequestRefused(401 if error.status != 403 else 403, error.code, error.detail,
                                     BEARER_CHALLENGE if error.status != 403 else None)
            except AuthorizationsUnavailable:
                raise RequestRefused(503, "authorizations-unavailable",
                                     "De autorisatiecomponent is tijdelijk niet bereikbaar.")
            exchange.client_id = identity.client_id
            decision = await self.limiter.check(identity.client_id, api.id)
            if decision is not None:
                exchange.rate_headers = decision.headers()
                if not decision.allowed:
                    await self._refuse_throttled(exchange, decision)

        max_body = api.max_body_bytes or self.config.max_body_bytes
        length = None
        if content_length is not None:
            try:
                length = int(content_length)
            except ValueError:
                raise RequestRefused(400, "invalid-content-length", "Content-Length is geen getal.")
            if length > max_body:
                raise RequestRefused(413, "request-too-large", self._too_large(max_body))

        # A chunked body: small ones are collected and sent with a length.
        prefetched = exchange.prefetched = []
        body_done = not chunked and not length
        if chunked:
            size = 0
            while True:
                chunk, more = await req.receive()
                size += len(chunk)
                if size > max_body:
                    raise RequestRefused(413, "request-too-large", self._too_large(max_body))
                if chunk:
                    prefetched.append(chunk)
                if not more:
                    body_done = True
                    chunked = False
                    length = size
                    break
                if size > CHUNKED_BUFFER:
                    break
        exchange.body_done = body_done
        exchange.chunked = chunked
        exchange.max_body = max_body
        exchange.read_timeout = api.read_timeout or self.config.read_timeout
        await self._forward(exchange, self._head(exchange, forward, host, forwarded, length, chunked))

    async def _forward(self, exchange: Exchange, head: bytes, connection: UpstreamConnection | None = None,
                       slot_taken: bool = False) -> None:
        """Exchange the request with its component over a pooled connection. `connection`: one
        the request was already sent on (by the fast path), holding a slot of the pool."""
        pool = self.pools[exchange.api.component]
        if connection is None and not slot_taken and not pool.take_slot():
            await pool.wait_slot()
        try:
            sent = connection is not None
            if connection is None:
                connection = pool.idle_connection() or await pool.connect()
            try:
                await self._exchange(exchange, connection, head, sent)
            except UpstreamError as error:
                if error.retryable and connection.reused and exchange.body_done and not exchange.prefetched:
                    # A kept-alive connection the component had just closed: once more, fresh.
                    connection.close()
                    connection = await pool.connect()
                    await self._exchange(exchange, connection, head)
                else:
                    raise
            except BaseException:
                connection.close()
                raise
            finally:
                if connection.complete:
                    pool.release(connection)
                else:
                    connection.close()
        finally:
            pool.free_slot()

    @staticmethod
    def _too_large(max_body: int) -> str:
        return f"Het verzoek is groter dan {max_body} bytes."

    def _head(self, exchange: Exchange, forward, host, forwarded, length, chunked) -> bytes:
        req = exchange.req
        upstream = self.config.upstreams[exchange.api.component]
        forwarded_for, forwarded_host, forwarded_proto, forwarded_prefix = forwarded
        trust = self.config.trust_forwarded
        peer = req.peer
        if trust and forwarded_for:
            peer = forwarded_for + b", " + peer
        if not (trust and forwarded_host):
            forwarded_host = host or req.server_host
        if not (trust and forwarded_proto):
            forwarded_proto = req.scheme
        lines = [req.method.encode(), b" ", req.target, b" HTTP/1.1\r\nhost: ", upstream.host_header,
                 b"\r\nx-forwarded-for: ", peer,
                 b"\r\nx-forwarded-host: ", forwarded_host,
                 b"\r\nx-forwarded-proto: ", forwarded_proto,
                 b"\r\nx-request-id: ", exchange.id_header[1], b"\r\n"]
        if trust and forwarded_prefix:
            lines += (b"x-forwarded-prefix: ", forwarded_prefix, b"\r\n")
        for name, value in forward:
            lines += (name, b": ", value, b"\r\n")
        if chunked:
            lines.append(b"transfer-encoding: chunked\r\n")
        elif length is not None:
            lines += (b"content-length: ", b"%d" % length, b"\r\n")
        lines.append(b"\r\n")
        return b"".join(lines)

    def _answer_head(self, exchange: Exchange, connection: UpstreamConnection) -> list[tuple[bytes, bytes]]:
        """The component's answer head as it goes to the client (also noted in the exchange);
        the connection has already left out what is not passed on (`upstream.NOT_PASSED_ON`)."""
        exchange.upstream_ms = (time.perf_counter() - exchange.sent_at) * 1000
        exchange.status = connection.status
        exchange.responded = True
        headers = [exchange.id_header, *connection.headers]
        if connection.connection_header is not None:
            dropped = _connection_tokens(connection.connection_header)
            if dropped:
                headers = [(n, v) for n, v in headers if n not in dropped]
        if connection.api_version is not None:
            self.live_versions[exchange.api.id] = connection.api_version.decode("latin-1")
        if exchange.rate_headers:
            headers += exchange.rate_headers
        return headers

    async def _exchange(self, exchange: Exchange, connection: UpstreamConnection, head: bytes,
                        sent: bool = False) -> None:
        req, read_timeout = exchange.req, exchange.read_timeout
        if not sent:
            exchange.sent_at = time.perf_counter()
            connection.start(head, req.method == "HEAD")
            if exchange.prefetched or not exchange.body_done:
                await self._send_body(exchange, connection)
        if not connection.head_ready() or connection.error is not None:
            await connection.read_head(read_timeout)
        headers = self._answer_head(exchange, connection)
        status = exchange.status
        body = connection.ready_body()
        exchange.bytes_out = len(body)
        if connection.complete:
            # The usual case for API answers: everything is here, and leaves in one piece.
            await req.respond(status, headers, body)
            return
        await req.respond(status, headers, body, True)
        while True:
            try:
                chunk = await connection.read_body(read_timeout)
            except UpstreamError as error:
                # Too late for a problem answer: end the response unfinished (the server closes
                # the connection), so the client sees a broken transfer rather than a short body
                # it could take for whole.
                exchange.error = error.code
                connection.close()
                return
            if chunk is None:
                break
            if req.gone():
                exchange.error = "client-disconnected"
                connection.close()
                return
            exchange.bytes_out += len(chunk)
            await req.write(chunk, True)
        await req.write(b"", False)

    async def _send_body(self, exchange: Exchange, connection: UpstreamConnection) -> None:
        chunked, timeout, limit = exchange.chunked, exchange.read_timeout, exchange.max_body
        body_done, req = exchange.body_done, exchange.req
        try:
            for chunk in exchange.prefetched:
                exchange.bytes_in += len(chunk)
                await connection.write(b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk, timeout)
            while not body_done:
                chunk, more = await req.receive()
                body_done = not more
                if chunk:
                    exchange.bytes_in += len(chunk)
                    if exchange.bytes_in > limit:
                        connection.close()
                        raise RequestRefused(413, "request-too-large", self._too_large(limit))
                    await connection.write(b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk, timeout)
            if chunked:
                await connection.write(b"0\r\n\r\n", timeout)
        except UpstreamError:
            if connection.headers_done:
                return  # the component answered before it read everything: pass its answer on
            raise


class AsgiIncoming:
    """`Incoming` over ASGI (what `gateway.app:app` uses under any ASGI server)."""

    __slots__ = ("method", "path", "target", "headers", "peer", "server_host", "scheme", "_receive", "_send",
                 "_watcher")

    def __init__(self, scope, receive, send):
        self.method = scope["method"]
        self.path = scope["path"]
        target = scope.get("raw_path") or self.path.encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        self.target = target
        self.headers = scope["headers"]
        client = scope.get("client")
        self.peer = client[0].encode() if client else b""
        self.server_host = (scope.get("server") or ("",))[0].encode()
        self.scheme = scope.get("scheme", "http").encode()
        self._receive = receive
        self._send = send
        self._watcher: asyncio.Future | None = None

    async def receive(self) -> tuple[bytes, bool]:
        message = await self._receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        return message.get("body", b""), message.get("more_body", False)

    async def respond(self, status, headers, body=b"", more=False) -> None:
        await self._send({"type": "http.response.start", "status": status, "headers": headers})
        await self._send({"type": "http.response.body", "body": body, "more_body": more})

    async def write(self, body: bytes, more: bool) -> None:
        await self._send({"type": "http.response.body", "body": body, "more_body": more})

    def gone(self) -> bool:
        # ASGI says so only through receive(): listen for it from the first time it is asked.
        if self._watcher is None:
            self._watcher = asyncio.ensure_future(_wait_for_disconnect(self._receive))
        return self._watcher.done()

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()


async def _wait_for_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
