"""Pooled HTTP/1.1 connections to the components, streaming both ways with back-pressure.

This is the gateway's hot path, so it is an asyncio protocol around httptools' C parser
rather than a general-purpose client: one `write` per request head, one parser per connection,
a callback (`listen`) or one future per wait, a deadline rather than a timer per wait, and idle
keep-alive connections reused oldest first: each connection is served by one of the
component's worker processes, so taking them in turn spreads the load over all workers
(most-recent-first piled it onto one).

A small answer (a `Content-Length` up to `WHOLE_BODY`) is waited for whole: gunicorn writes
the head and the body separately, and passing them on as they come would cost the client
side two writes and the proxy a streaming loop for a few hundred bytes. Larger bodies never
pile up: when the consumer (the client side) falls behind, the upstream socket stops being read.
"""

import asyncio
import collections
import time

import httptools

# Response bytes buffered from an upstream before its socket stops being read.
HIGH_WATER = 512 * 1024
LOW_WATER = 128 * 1024
# Answers up to this size are passed on in one piece (see above).
WHOLE_BODY = 64 * 1024
# RFC 9110 §7.6.1: meaningful for one connection only, never forwarded (nor are the headers
# `Connection` names, nor any Proxy-* header).
HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding", b"upgrade",
})
# An answer's headers the gateway does not pass on: hop-by-hop ones, and those it sets itself.
NOT_PASSED_ON = HOP_BY_HOP | {b"date", b"server", b"x-request-id"}


class UpstreamError(Exception):
    """An exchange with a component failed; `retryable` when no byte of an answer came back."""

    status = 502
    code = "bad-gateway"

    def __init__(self, detail: str, retryable: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable


class UpstreamUnavailable(UpstreamError):
    status = 503
    code = "upstream-unavailable"


class UpstreamTimeout(UpstreamError):
    status = 504
    code = "upstream-timeout"


class UpstreamConnection(asyncio.Protocol):
    """One keep-alive connection; one exchange at a time (HTTP/1.1 without pipelining)."""

    def __init__(self, pool: "UpstreamPool"):
        self.pool = pool
        self.loop = pool.loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reused = False
        self.exchanges = 0
        self.idle_since = 0.0
        self._write_paused = False
        self._drain_waiter: asyncio.Future | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._deadline = 0.0
        self._what = ""
        self._listener = None  # see listen()
        self.exchange = None  # whatever the listener needs to know
        self.parser = None
        self.head_only = False
        self._reset(False)

    def _reset(self, head_only: bool) -> None:
        if self.parser is None or self.head_only or head_only:
            # httptools cannot be told that a HEAD answer has no body, so an exchange after
            # (or for) a HEAD gets a fresh parser; otherwise the parser carries on.
            self.parser = httptools.HttpResponseParser(self)
        self.head_only = head_only
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []  # those passed on (see on_header)
        self.connection_header: bytes | None = None
        self.api_version: bytes | None = None
        self.content_length = -1  # -1: no Content-Length
        self.headers_done = False
        self.length_known = False
        self.complete = False
        self.keep_alive = False
        self.got_bytes = False
        self.chunks: collections.deque[bytes] = collections.deque()
        self.buffered = 0
        self.reading_paused = False
        self.error: UpstreamError | None = None
        self._waiter: asyncio.Future | None = None
        self._whole = False  # the waiter wants the whole (small) answer, not just its head

    # -- asyncio.Protocol --------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(UpstreamError("het component wilde het protocol wisselen"))
            self.close()
        except httptools.HttpParserError:
            self._fail(UpstreamError("het component gaf een ongeldig HTTP-antwoord"))
            self.close()
        # Called here, once the parser is done with the data, rather than from its callbacks:
        # the listener may hand this connection to the next exchange at once.
        if self._listener is not None and (self.error is not None or self.head_ready()):
            self._call_listener()

    def eof_received(self):
        return False  # close our side too

    def connection_lost(self, exc) -> None:
        self.closed = True
        self.pool.forget(self)
        if self.headers_done and not self.length_known and not self.complete:
            # An answer without Content-Length or chunked coding ends when the connection does.
            self.complete = True
            self._wake()
        if not self.complete:
            self._fail(UpstreamError("het component verbrak de verbinding", retryable=not self.got_bytes))
        if self._listener is not None:
            self._call_listener()
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if self._timer is not None:
            self._timer.cancel()  # every wait has just been answered
            self._timer = None

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- httptools callbacks -----------------------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        # Sorted as they arrive: `headers` keeps those the gateway passes on.
        name = name.lower()
        if name in NOT_PASSED_ON or name[:6] == b"proxy-":
            if name == b"transfer-encoding":
                self.length_known = True
            elif name == b"connection":
                self.connection_header = value
            return
        if name == b"content-length":
            # httptools has checked that it is a number and that there is only one.
            self.content_length = int(value)
        elif name == b"api-version":
            self.api_version = value
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if status < 200:
            self.content_length = -1
            self.length_known = False
            self.connection_header = self.api_version = None
            return  # an interim answer (100 Continue); the real one follows on this parser
        self.status = status
        self.headers_done = True
        if status in (204, 304) or self.head_only or self.content_length >= 0:
            self.length_known = True
        if self.head_only:
            # httptools cannot be told that a HEAD answer has no body; the exchange ends here
            # and the next one gets a fresh parser.
            self.complete = True
            self.keep_alive = self.parser.should_keep_alive()
        elif self._whole and 0 < self.content_length <= WHOLE_BODY:
            return  # the body follows shortly; wake the proxy once, when it is all here
        self._wake()

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered > HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        if not self._whole:
            self._wake()

    def on_message_complete(self) -> None:
        if not self.headers_done:
            self.headers = []  # the end of an interim answer
            return
        if self.complete:
            return
        self.complete = True
        self.keep_alive = self.parser.should_keep_alive()
        self._wake()

    # -- used by the proxy -------------------------------------------------------------------
    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def _fail(self, error: UpstreamError) -> None:
        if self.error is None:
            self.error = error
        self._wake()

    # Timeouts without a timer per wait: a wait sets a deadline, and one timer per connection,
    # armed when none is pending (or when it would fire too late), checks it when it fires.
    # Waits last milliseconds and timeouts seconds, so the timer is seldom made or moved.
    def _wait(self, timeout: float, what: str) -> asyncio.Future:
        """A future the next event (data, end, failure) completes; it fails after `timeout`."""
        waiter = self._waiter = self.loop.create_future()
        self._arm(timeout, what)
        return waiter

    def _check_deadline(self) -> None:
        self._timer = None
        if self._listener is not None:
            if self.loop.time() >= self._deadline:
                self._fail(UpstreamTimeout(f"het component antwoordde niet binnen de tijd ({self._what})"))
                self._call_listener()
            else:
                self._timer = self.loop.call_at(self._deadline, self._check_deadline)
            return
        waiter = self._waiter or self._drain_waiter
        if waiter is None or waiter.done():
            return  # nothing is waiting: the next wait arms a timer again
        if self.loop.time() >= self._deadline:
            self._waiter = None
            waiter.set_exception(UpstreamTimeout(f"het component antwoordde niet binnen de tijd ({self._what})"))
        else:
            self._timer = self.loop.call_at(self._deadline, self._check_deadline)

    def _arm(self, timeout: float, what: str) -> None:
        self._what = what
        deadline = self._deadline = self.loop.time() + timeout
        timer = self._timer
        if timer is None or timer.when() > deadline:
            if timer is not None:
                timer.cancel()
            self._timer = self.loop.call_at(deadline, self._check_deadline)

    def start(self, head: bytes, head_only: bool) -> None:
        """Send a request head; the body, if any, follows with `write`."""
        self._reset(head_only)
        self.exchanges += 1
        self.transport.write(head)

    def listen(self, listener, timeout: float) -> None:
        """Instead of awaiting `read_head`: `listener(self)` is called once, as soon as the head
        (with a small body: the whole answer) is here, or the exchange failed or timed out."""
        self._whole = True
        self._listener = listener
        self._arm(timeout, "wachten op antwoord")

    def _call_listener(self) -> None:
        listener, self._listener = self._listener, None
        self._whole = False
        listener(self)

    async def write(self, data: bytes, timeout: float) -> None:
        if self.closed or self.error is not None:
            raise self.error or UpstreamError("het component verbrak de verbinding")
        self.transport.write(data)
        if self._write_paused:
            waiter = self._wait(timeout, "verzoek schrijven")
            self._waiter, self._drain_waiter = None, waiter
            await waiter

    def head_ready(self) -> bool:
        """The answer's head is here, and with it the whole body when that is small."""
        return self.headers_done and (self.complete or not 0 < self.content_length <= WHOLE_BODY)

    async def read_head(self, timeout: float) -> tuple[int, list[tuple[bytes, bytes]]]:
        """Wait for the answer's head (and for a small body: the whole answer, see `WHOLE_BODY`)."""
        self._whole = True
        try:
            while not self.head_ready():
                if self.error is not None:
                    raise self.error
                await self._wait(timeout, "wachten op antwoord")
        finally:
            self._whole = False
        return self.status, self.headers

    def ready_body(self) -> bytes:
        """Body bytes already received, without waiting (often the whole body)."""
        if not self.chunks:
            return b""
        data = self.chunks.popleft() if len(self.chunks) == 1 else b"".join(self.chunks)
        self.chunks.clear()
        self.buffered = 0
        if self.reading_paused and not self.closed:
            self.reading_paused = False
            self.transport.resume_reading()
        return data

    async def read_body(self, timeout: float) -> bytes | None:
        """The next body bytes, or None when the answer is complete."""
        while True:
            if self.chunks:
                return self.ready_body()
            if self.complete:
                return None
            if self.error is not None:
                raise self.error
            await self._wait(timeout, "wachten op de rest van het antwoord")

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.transport is not None:
                self.transport.close()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class UpstreamPool:
    """Connections to one component: at most `max_connections` at once, idle ones kept for
    `idle_timeout` seconds (shorter than the components' keep-alive, so a reused connection
    has not just been closed from the other side).

    A connection is retired after `max_exchanges` exchanges (as nginx's `keepalive_requests`
    does). Which of the component's worker processes serves a connection is decided once, by
    whichever accepts it first; connections opened in a burst often all land on one worker
    (measured: 16 of 16 on one of gunicorn's two), which then does all the work while the
    other idles. Retiring connections now and then lets that even out: a new connection tends
    to go to the worker with time to accept it, the less busy one."""

    def __init__(self, host: str, port: int, *, connect_timeout: float, max_connections: int = 200,
                 max_idle: int = 64, idle_timeout: float = 1.5, max_exchanges: int = 100):
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.max_idle = max_idle
        self.idle_timeout = idle_timeout
        self.max_exchanges = max_exchanges
        self.loop = asyncio.get_running_loop()
        self.max_connections = max_connections
        self.busy = 0  # exchanges holding a slot
        self._slot_waiters: collections.deque[asyncio.Future] = collections.deque()
        self.idle: collections.deque[UpstreamConnection] = collections.deque()

    # A counter rather than an asyncio.Semaphore: taking a free slot is one comparison.
    def take_slot(self) -> bool:
        if self.busy < self.max_connections and not self._slot_waiters:
            self.busy += 1
            return True
        return False

    async def wait_slot(self) -> None:
        waiter = self.loop.create_future()
        self._slot_waiters.append(waiter)
        try:
            await waiter  # the slot is handed over by free_slot
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.free_slot()  # handed over just as we gave up: pass it on
            else:
                self._slot_waiters.remove(waiter)
            raise

    def free_slot(self) -> None:
        while self._slot_waiters:
            waiter = self._slot_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.busy -= 1

    def idle_connection(self) -> UpstreamConnection | None:
        """A kept-alive connection to reuse, oldest first, or None."""
        if not self.idle:
            return None
        now = time.monotonic()
        while self.idle:
            connection = self.idle.popleft()
            if connection.closed:
                continue
            if now - connection.idle_since > self.idle_timeout:
                connection.close()
                continue
            connection.reused = True
            return connection
        return None

    async def connect(self) -> UpstreamConnection:
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await self.loop.create_connection(
                    lambda: UpstreamConnection(self), self.host, self.port)
        except TimeoutError:
            raise UpstreamTimeout("het component nam de verbinding niet op binnen de tijd")
        except OSError as exc:
            raise UpstreamUnavailable(f"het component is niet bereikbaar ({exc.__class__.__name__})")
        return connection

    def release(self, connection: UpstreamConnection) -> None:
        """Keep a connection whose exchange ended cleanly; close any other."""
        if (connection.closed or not connection.complete or not connection.keep_alive
                or connection.chunks or len(self.idle) >= self.max_idle
                or connection.exchanges >= self.max_exchanges):
            connection.close()
            return
        connection.idle_since = time.monotonic()
        self.idle.append(connection)

    def forget(self, connection: UpstreamConnection) -> None:
        try:
            self.idle.remove(connection)
        except ValueError:
            pass

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()
