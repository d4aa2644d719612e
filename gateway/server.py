"""The gateway's own HTTP/1.1 server, what `python -m gateway` runs: a request for an API goes
from the connection straight to the proxy; everything else (the portal, `/_health`) to the
gateway's ASGI app (`gateway.app`), which also runs unchanged under any ASGI server.

Why its own server: proxying an API call is little work, so what the server itself spends per
request decides how much of the machine the gateway takes from the components beside it.
Under uvicorn the same proxy costs an ASGI scope, message dicts, an Event, a cycle object and a
task per request, header checks in Python, and two system calls per answer (head, then body):
measured against the authorizations component, 130-157 µs of CPU per request against 93-117
here; against a trivial upstream, twice as much (see docs/gateway.md). Here the request is
parsed by httptools (the C parser uvicorn uses too) and handed to the proxy as an `Incoming`
(the `Request` below); the usual one is answered without a task (`Proxy.try_fast`), and a
small answer leaves in one `write`.

HTTP/1.1 as the gateway needs it: keep-alive (idle connections closed after `keep_alive`
seconds, which also bounds a request head that never completes), pipelined requests answered in
order, request bodies streamed to the proxy with back-pressure, `Expect: 100-continue`, chunked
answers when no length is known, HEAD, and a graceful stop on SIGTERM/SIGINT.
"""

import asyncio
import collections
import email.utils
import http
import logging
import os
import re
import signal
import socket
import time
from urllib.parse import unquote

import httptools

from .problems import problem_response
from .proxy import ClientGone

logger = logging.getLogger("gateway.server")

# A request head (request line and headers) larger than this is refused (431).
MAX_HEAD = 64 * 1024
# Request body bytes buffered per connection before the socket stops being read.
HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024
# Answers with a body up to this size are written together with their head, in one piece.
JOIN_BELOW = 16 * 1024
SHUTDOWN_GRACE = 10.0

STATUS_LINES = {status: b"HTTP/1.1 %d %s\r\n" % (status, http.HTTPStatus(status).phrase.encode())
                for status in http.HTTPStatus}
# Checked only for answers from the ASGI app (the portal): the proxy's headers come from
# httptools' parser, which lets no CR or LF into a name or value, or from the gateway itself.
INVALID_NAME = re.compile(b'[\x00-\x1f\x7f()<>@,;:\\[\\]={} \t\\\\"]')
INVALID_VALUE = re.compile(b"[\x00-\x08\x0a-\x1f\x7f]")


class HeadTooLarge(Exception):
    pass


def status_line(status: int) -> bytes:
    line = STATUS_LINES.get(status)
    return line if line is not None else b"HTTP/1.1 %d \r\n" % status


_date = [0, b""]


def date_line() -> bytes:
    """The `Date` header line, made once a second."""
    now = int(time.time())
    if now != _date[0]:
        _date[0], _date[1] = now, b"date: " + email.utils.formatdate(now, usegmt=True).encode() + b"\r\n"
    return _date[1]


class Request:
    """One request on a connection: what the proxy reads (`gateway.proxy.Incoming`) and how it
    answers."""

    # Defaults at class level: a request sets only what differs (most have no body, for one).
    scheme = b"http"
    head_only = False
    chunks: collections.deque[bytes] | tuple = ()  # body pieces not yet received by the handler
    buffered = 0
    body_done = False
    _waiter: asyncio.Future | None = None
    started = False
    finished = False
    bodyless = False
    chunked_out = False
    remaining = 0
    disconnected = False
    _disconnect_waiter: asyncio.Future | None = None

    def __init__(self, conn: "Connection", method: str, path: str, target: bytes, raw_path: bytes, query: bytes,
                 headers: list, keep_alive: bool, http_version: str, expect_continue: bool):
        self.conn = conn
        self.method = method
        self.path = path
        self.target = target
        self.raw_path = raw_path
        self.query = query
        self.headers = headers
        self.peer = conn.peer
        self.server_host = conn.server_host
        self.keep_alive = keep_alive
        self.http_version = http_version
        if method == "HEAD":
            self.head_only = True
        self.expect_continue = expect_continue

    # -- the request body ----------------------------------------------------------------------
    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def receive(self) -> tuple[bytes, bool]:
        while True:
            if self.chunks:
                chunk = self.chunks.popleft()
                self.buffered -= len(chunk)
                if self.buffered < LOW_WATER:
                    self.conn.maybe_resume_reading()
                return chunk, not (self.body_done and not self.chunks)
            if self.body_done:
                return b"", False
            if self.disconnected:
                raise ClientGone()
            if self.expect_continue:
                self.expect_continue = False
                if not self.started:
                    self.conn.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._waiter = self.conn.loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def gone(self) -> bool:
        return self.disconnected

    async def wait_disconnect(self) -> None:
        """Until the client goes away or the answer is complete (ASGI's `http.disconnect`)."""
        if self.disconnected or self.finished:
            return
        if self._disconnect_waiter is None:
            self._disconnect_waiter = self.conn.loop.create_future()
        await asyncio.shield(self._disconnect_waiter)

    def _signal_disconnect(self) -> None:
        waiter = self._disconnect_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- the answer ----------------------------------------------------------------------------
    async def respond(self, status: int, headers, body: bytes = b"", more: bool = False) -> None:
        self._start_answer(status, headers, body, more)
        if more and self.conn.write_paused:
            await self.conn.drain()

    def answer(self, status: int, headers, body: bytes, length: int | None = None) -> None:
        """The complete answer at once (the proxy's fast path; no waiting involved). `length`:
        the Content-Length among `headers` when the caller knows it (-1: none), saving a search."""
        self._start_answer(status, headers, body, False, length)

    def abort(self) -> None:
        """No (complete) answer will come: closing the connection is all the client can be told."""
        self.conn.close()
        if not self.finished:
            self._finish()

    def spawn(self, work) -> None:
        """Run `work` as this request's task (see `Server.serve`)."""
        conn = self.conn
        conn.task = conn.loop.create_task(conn.server.serve(self, work))

    def _start_answer(self, status: int, headers, body: bytes, more: bool, length: int | None = None) -> None:
        if self.started:
            raise RuntimeError("the answer has already started")
        self.started = True
        conn = self.conn
        if not self.body_done:
            self.keep_alive = False  # answered before the request body was all read
        if self.disconnected or conn.closed:
            if not more:
                self._finish()
            return
        if length is None:
            length = -1
            for name, value in headers:
                if name == b"content-length":
                    try:
                        length = int(value)
                    except ValueError:
                        length = -1
        # Every header line joined in C: b"name: value" for each, then CRLF between them.
        now = int(time.time())
        if now != _date[0]:
            date_line()
        status_text = STATUS_LINES.get(status) or status_line(status)
        lines = [status_text, _date[1], b"\r\n".join(map(b": ".join, headers)), b"\r\n"] if headers \
            else [status_text, _date[1]]
        if self.head_only or status < 200 or status == 204 or status == 304:
            self.bodyless = True
            body = b""
        elif length >= 0:
            self.remaining = length - len(body)
        elif self.http_version == "1.1":
            self.chunked_out = True
            lines.append(b"transfer-encoding: chunked\r\n")
        else:
            self.keep_alive = False  # an HTTP/1.0 client: the end of the connection ends the body
        if not self.keep_alive:
            lines.append(b"connection: close\r\n")
        lines.append(b"\r\n")
        if self.chunked_out:
            if body:
                lines += (b"%x\r\n" % len(body), body, b"\r\n")
            if not more:
                lines.append(b"0\r\n\r\n")
            conn.transport.write(b"".join(lines))
        elif len(body) < JOIN_BELOW:
            lines.append(body)
            conn.transport.write(b"".join(lines))
        else:
            conn.transport.writelines((b"".join(lines), body))  # no copy of a large body
        if not more:
            self._finish()

    async def write(self, body: bytes, more: bool) -> None:
        if not self.started or self.finished:
            raise RuntimeError("no answer in progress")
        conn = self.conn
        if self.disconnected or conn.closed:
            if not more:
                self._finish()
            return
        if body and not self.bodyless:
            if self.chunked_out:
                conn.transport.writelines((b"%x\r\n" % len(body), body, b"\r\n0\r\n\r\n" if not more else b"\r\n"))
            else:
                self.remaining -= len(body)
                conn.transport.write(body)
        elif self.chunked_out and not more:
            conn.transport.write(b"0\r\n\r\n")
        if not more:
            self._finish()
        elif conn.write_paused:
            await conn.drain()

    def _finish(self) -> None:
        self.finished = True
        if self.remaining and not self.bodyless:
            self.keep_alive = False  # the body did not match its Content-Length: the connection is lost
        if self._disconnect_waiter is not None:
            self._signal_disconnect()
        self.conn.request_done(self)


class Connection(asyncio.Protocol):
    """One client connection: parses requests and runs them one at a time, in order."""

    def __init__(self, server: "Server"):
        self.server = server
        self.loop = server.loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.peer = b""
        self.server_host = b""
        self.client: tuple | None = None
        self.sockname: tuple | None = None
        self.current: Request | None = None
        self.task: asyncio.Task | None = None
        self.pending: collections.deque[Request] = collections.deque()
        self.parsing: Request | None = None
        self.url = b""
        self.head: list[tuple[bytes, bytes]] = []
        self.head_size = 0
        self.expect_continue = False
        self.has_body = False  # the request being parsed announced a body
        self.start_when_complete = False
        self.idle_since = time.monotonic()
        self.closed = False
        self.closing = False  # close once the current answer is complete
        self.discarding = False  # after a refused request: what arrives is dropped
        self.read_paused = False
        self.write_paused = False
        self._drain_waiter: asyncio.Future | None = None

    # -- asyncio.Protocol ------------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.client = transport.get_extra_info("peername")
        self.sockname = transport.get_extra_info("sockname")
        if isinstance(self.client, tuple):
            self.peer = self.client[0].encode()
        if isinstance(self.sockname, tuple):
            self.server_host = self.sockname[0].encode()
        self.server.connections.add(self)

    def data_received(self, data: bytes) -> None:
        if self.discarding:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # What follows the request is another protocol, which the gateway does not speak:
            # the request itself is answered as a plain one, then the connection closes.
            if self.parsing is not None:
                self.on_message_complete()
            self.closing = True
            self.pause_reading()
        except httptools.HttpParserError as error:
            cause = error.__context__  # what one of the callbacks below raised, if one did
            if isinstance(cause, HeadTooLarge):
                self._refuse(431, "request-header-too-large", "De kop van het verzoek is te groot.")
                return
            if cause is not None and not isinstance(cause, httptools.HttpParserError):
                logger.error("error in the request parser callbacks", exc_info=cause)
            self._refuse(400, "invalid-request", "Dit is geen geldig HTTP-verzoek.")

    def eof_received(self) -> None:
        return None  # the transport closes itself; an answer in progress has no one to go to

    def connection_lost(self, exc) -> None:
        self.closed = True
        self.server.connections.discard(self)
        request = self.current
        if request is not None:
            request.disconnected = True
            request._wake()
            request._signal_disconnect()
        self.pending.clear()
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- httptools callbacks ---------------------------------------------------------------------
    def on_url(self, url: bytes) -> None:
        self.url += url
        self.head_size += len(url)
        if self.head_size > MAX_HEAD:
            raise HeadTooLarge()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value)
        if self.head_size > MAX_HEAD:
            raise HeadTooLarge()
        name = name.lower()
        if name == b"content-length" or name == b"transfer-encoding":
            self.has_body = True
        elif name == b"expect" and value.lower() == b"100-continue":
            self.expect_continue = True
        self.head.append((name, value))

    def on_headers_complete(self) -> None:
        parser = self.parser
        url = target = self.url
        if url[:1] == b"/" and b"#" not in url:
            # The usual origin form (llhttp has checked its characters): split here, in C.
            raw_path, _, query = url.partition(b"?")
        else:
            parsed = httptools.parse_url(url)
            raw_path = parsed.path or b"/"
            query = parsed.query or b""
            target = raw_path + b"?" + query if query else raw_path
        path = raw_path.decode("latin-1")
        if "%" in path:
            path = unquote(path)
        http_version = parser.get_http_version()
        request = Request(self, parser.get_method().decode("ascii"), path, target, raw_path, query, self.head,
                          parser.should_keep_alive() and http_version == "1.1", http_version,
                          self.expect_continue)
        self.url = b""
        self.head = []
        self.head_size = 0
        self.expect_continue = False
        self.parsing = request
        if self.current is None:
            if self.has_body:
                self.start(request)  # its body streams to it as it comes
            else:
                # Complete in a moment (httptools says so next, from the same data): started
                # then, so that it can be answered without a task of its own (Proxy.try_fast).
                self.current = request
                self.start_when_complete = True
        else:
            self.pending.append(request)  # pipelined: its turn comes when the one before is answered
            self.pause_reading()

    def on_body(self, body: bytes) -> None:
        request = self.parsing
        if request.finished:
            return  # answered before its body was read: the rest is read and dropped
        chunks = request.chunks
        if chunks.__class__ is tuple:
            chunks = request.chunks = collections.deque()
        chunks.append(body)
        request.buffered += len(body)
        if request._waiter is not None:
            request._wake()
        if request.buffered > HIGH_WATER:
            self.pause_reading()

    def on_message_complete(self) -> None:
        request = self.parsing
        self.parsing = None
        self.has_body = False
        request.body_done = True
        if request._waiter is not None:
            request._wake()
        if self.start_when_complete:
            self.start_when_complete = False
            self.start(request)
        elif request.finished and self.closing:
            self.close()  # the rest of a body answered early has been read: now close

    # -- running requests ------------------------------------------------------------------------
    def start(self, request: Request) -> None:
        self.current = request
        server = self.server
        api = server.route(request.path)
        if api is None:
            work = server.asgi(request)
        elif server.proxy.try_fast(api, request):
            return
        else:
            work = server.proxy.handle(api, request)
        self.task = self.loop.create_task(server.serve(request, work))

    def request_done(self, request: Request) -> None:
        if self.current is not request:
            return
        self.current = None
        self.task = None
        if self.closed:
            return
        if not request.keep_alive or self.closing:
            if self.parsing is request:
                # Answered before its body was all here (a refusal, or the component's early
                # answer): read and drop the rest, so that closing does not reset the connection
                # under an answer the client has not read yet; the idle sweep bounds how long.
                request.chunks = ()
                request.buffered = 0
                self.closing = True
                self.idle_since = time.monotonic()
                self.maybe_resume_reading(draining=True)
            else:
                self.close()
            return
        self.idle_since = time.monotonic()
        if self.pending:
            self.start(self.pending.popleft())
        self.maybe_resume_reading()

    def pause_reading(self) -> None:
        if not self.read_paused and not self.closed:
            self.read_paused = True
            self.transport.pause_reading()

    def maybe_resume_reading(self, draining: bool = False) -> None:
        if (self.read_paused and (draining or not self.closing) and not self.closed and not self.pending
                and (self.parsing is None or self.parsing.buffered < LOW_WATER)):
            self.read_paused = False
            self.transport.resume_reading()

    async def drain(self) -> None:
        if self.closed or not self.write_paused:
            return
        self._drain_waiter = waiter = self.loop.create_future()
        await waiter

    def _refuse(self, status: int, code: str, detail: str) -> None:
        """A request the parser cannot take: answered with a problem when nothing else is being
        answered on this connection, and the connection ended."""
        if self.current is not None or self.closed or not self.transport.can_write_eof():
            self.close()
            return
        headers, body = problem_response(status, code, detail, [(b"connection", b"close")])
        lines = [status_line(status), date_line()]
        for name, value in headers:
            lines += (name, b": ", value, b"\r\n")
        lines += (b"\r\n", body)
        self.transport.write(b"".join(lines))
        # Half-closed rather than closed: what the client sent after the bad part may still be
        # unread here, and closing on unread data resets the connection, which can cost the
        # client the answer. The rest is read and dropped until the client closes (or the idle
        # sweep does).
        self.transport.write_eof()
        self.discarding = True
        self.closing = True
        self.idle_since = time.monotonic()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.transport.close()


class Server:
    """Serves a `gateway.app.Gateway` on a listening socket."""

    def __init__(self, gateway, *, keep_alive: float = 5.0):
        self.gateway = gateway
        self.keep_alive = keep_alive
        self.loop = asyncio.get_running_loop()
        self.connections: set[Connection] = set()
        self.listener: asyncio.base_events.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None
        self.stopped = asyncio.Event()

    async def start(self, sock: socket.socket) -> None:
        await self.gateway.startup()
        self.proxy = self.gateway.proxy
        self.route = self.gateway.route
        self.trust_forwarded = self.gateway.config.trust_forwarded
        self.listener = await self.loop.create_server(lambda: Connection(self), sock=sock, backlog=2048)
        self._sweeper = self.loop.call_later(1.0, self._sweep)

    def _sweep(self) -> None:
        """Close connections idle for longer than `keep_alive` (and heads that never complete)."""
        deadline = time.monotonic() - self.keep_alive
        for conn in [c for c in self.connections if c.current is None and c.idle_since < deadline]:
            conn.close()
        self._sweeper = self.loop.call_later(1.0, self._sweep)

    async def serve(self, request: Request, work) -> None:
        """Run the work that answers a request; an answer it leaves unfinished is finished here."""
        conn = request.conn
        try:
            await work
        except asyncio.CancelledError:
            conn.close()
            raise
        except Exception:
            logger.exception("unhandled error while answering a request")
        if not request.finished:
            if request.started or request.disconnected:
                conn.close()  # an answer left unfinished: only closing tells the client so
                request._finish()
            else:
                headers, body = problem_response(500, "error", "Er is een onverwachte fout opgetreden.")
                await request.respond(500, headers, body)

    async def asgi(self, request: Request) -> None:
        """A request for the gateway's own pages, through its ASGI app."""
        scheme = "http"
        client = request.conn.client if isinstance(request.conn.client, tuple) else None
        if self.trust_forwarded:
            # What uvicorn's --proxy-headers did: behind a trusted proxy, its view of the client.
            for name, value in request.headers:
                if name == b"x-forwarded-proto" and value.strip().lower() in (b"http", b"https"):
                    scheme = value.strip().lower().decode()
                elif name == b"x-forwarded-for" and value.strip():
                    client = (value.split(b",")[0].strip().decode("latin-1"), 0)
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version, "method": request.method, "scheme": scheme,
            "path": request.path, "raw_path": request.raw_path, "query_string": request.query,
            "root_path": "", "headers": request.headers, "client": client,
            "server": request.conn.sockname if isinstance(request.conn.sockname, tuple) else None,
            "state": {},
        }
        body_given = False
        start: dict | None = None

        async def receive() -> dict:
            nonlocal body_given
            if not body_given or request.chunks or not request.body_done:
                try:
                    chunk, more = await request.receive()
                except ClientGone:
                    return {"type": "http.disconnect"}
                body_given = not more
                return {"type": "http.request", "body": chunk, "more_body": more}
            await request.wait_disconnect()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            nonlocal start
            kind = message["type"]
            if kind == "http.response.start":
                if start is not None or request.started:
                    raise RuntimeError("http.response.start sent twice")
                for name, value in message.get("headers", ()):
                    if INVALID_NAME.search(name) or INVALID_VALUE.search(value):
                        raise RuntimeError("invalid header in the answer")
                start = message  # written together with the first part of the body
            elif kind == "http.response.body":
                body, more = message.get("body", b""), message.get("more_body", False)
                if start is not None:
                    status, headers, start = start["status"], start.get("headers", ()), None
                    await request.respond(status, [(n.lower(), v) for n, v in headers], body, more)
                elif request.started and not request.finished:
                    await request.write(body, more)
                else:
                    raise RuntimeError("http.response.body without an answer in progress")

        await self.gateway.site(scope, receive, send)

    async def stop(self) -> None:
        """Stop accepting, let answers in progress finish (for `SHUTDOWN_GRACE` seconds at most),
        then close everything."""
        if self.listener is not None:
            self.listener.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
        for conn in list(self.connections):
            if conn.current is None:
                conn.close()
            else:
                conn.closing = True
        deadline = time.monotonic() + SHUTDOWN_GRACE
        while self.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for conn in list(self.connections):
            conn.close()
            if conn.task is not None:
                conn.task.cancel()
        await self.gateway.shutdown()
        self.stopped.set()


async def serve(gateway, sock: socket.socket, *, keep_alive: float = 5.0) -> None:
    """Serve until SIGTERM or SIGINT."""
    server = Server(gateway, keep_alive=keep_alive)
    await server.start(sock)
    host, port = sock.getsockname()[:2]
    logger.info({"message": "gateway listening", "url": f"http://{host}:{port}/", "pid": os.getpid()})
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: stopping or stopping.append(loop.create_task(server.stop())))
    await server.stopped.wait()
