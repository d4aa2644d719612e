"""A yardstick for the gateway benchmark, not a gateway: the least a user-space Python proxy can do.
Each client connection gets a connection of its own to the component and bytes are passed on
both ways as they come, on uvloop, without reading a byte of HTTP: no routing, token, rate
limit, headers or log. What it costs the machine is what any proxy written in Python costs at
the least here; what the gateway costs beyond it is its work per request.

Run: `python -m tests.bench.tcp_relay PORT UPSTREAM_PORT [PROCESSES]` (SO_REUSEPORT per process).
"""

import asyncio
import ctypes
import os
import signal
import socket
import sys

import uvloop


class Upstream(asyncio.Protocol):
    def __init__(self, client: "Client"):
        self.client = client
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.client.transport.write(data)

    def connection_lost(self, exc) -> None:
        self.client.transport.close()


class Client(asyncio.Protocol):
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.upstream: Upstream | None = None
        self.pending: list[bytes] = []
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        asyncio.get_running_loop().create_task(self.connect())

    async def connect(self) -> None:
        try:
            _, self.upstream = await asyncio.get_running_loop().create_connection(
                lambda: Upstream(self), "127.0.0.1", self.upstream_port)
        except OSError:
            self.transport.close()
            return
        for data in self.pending:
            self.upstream.transport.write(data)
        self.pending = []

    def data_received(self, data: bytes) -> None:
        if self.upstream is None:
            self.pending.append(data)
        else:
            self.upstream.transport.write(data)

    def connection_lost(self, exc) -> None:
        if self.upstream is not None:
            self.upstream.transport.close()


async def serve(sock: socket.socket, upstream_port: int) -> None:
    await asyncio.get_running_loop().create_server(lambda: Client(upstream_port), sock=sock)
    await asyncio.Event().wait()


def main() -> None:
    port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    for _ in range(processes - 1):
        if os.fork() == 0:
            # Ended with the first process, which is the one the benchmark stops (PR_SET_PDEATHSIG).
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)
            break
    sock = socket.create_server(("127.0.0.1", port), reuse_port=True, backlog=2048)
    uvloop.run(serve(sock, upstream_port))


if __name__ == "__main__":
    main()
