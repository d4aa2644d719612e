"""`python -m gateway [--host H] [--port P] [--workers N] [--server native|uvicorn]`: the gateway
as it is measured and run by `make up`: its own HTTP server (`gateway.server`) on uvloop.
`--server uvicorn` serves the same ASGI app with uvicorn (uvloop, httptools) instead, for
comparison; either way the gateway writes its own access log.

With `--workers N`, N processes serve the port, each with its own listening socket
(SO_REUSEPORT: the kernel spreads new connections over them evenly, where a socket shared by
all hands most of a burst to whichever process wakes first), its own event loop, connection
pools and caches (rate limits stay exact: they are counted in Redis).
"""

import argparse
import os
import signal
import socket
import sys
import time

from components.kernel.env import PORTS, env_bool, env_float, env_int, env_str


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway")
    parser.add_argument("--host", default=env_str("GATEWAY_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=env_int("GATEWAY_PORT", PORTS["gateway"]))
    parser.add_argument("--workers", type=int, default=env_int("GATEWAY_WORKERS", 1))
    parser.add_argument("--server", choices=("native", "uvicorn"), default=env_str("GATEWAY_SERVER", "native"))
    args = parser.parse_args()
    if args.server == "uvicorn":
        run_uvicorn(args)
        return
    if args.workers <= 1:
        run_native(listen(args.host, args.port))
    else:
        listen(args.host, args.port, reuse_port=True).close()  # a port in use fails here, once
        supervise(lambda: listen(args.host, args.port, reuse_port=True), args.workers)


def listen(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    return socket.create_server((host, port), backlog=2048, reuse_port=reuse_port)


def run_native(sock: socket.socket) -> None:
    import uvloop

    from .app import app
    from .server import serve

    uvloop.run(serve(app, sock, keep_alive=env_float("GATEWAY_KEEP_ALIVE", 5.0)))


def supervise(make_socket, workers: int) -> None:
    """Fork the workers, pass SIGTERM/SIGINT on to them, and replace one that dies."""
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                run_native(make_socket())
            finally:
                os._exit(0)
        children.add(pid)

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(workers):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        if not stopping:
            print(f"gateway worker {pid} ended ({status}); starting another", file=sys.stderr, flush=True)
            time.sleep(0.5)
            spawn()


def run_uvicorn(args) -> None:
    import uvicorn

    trust = env_bool("GATEWAY_TRUST_FORWARDED", False)
    uvicorn.run("gateway.app:app", host=args.host, port=args.port, workers=args.workers, loop="uvloop",
                http="httptools", access_log=False, lifespan="on", proxy_headers=trust,
                forwarded_allow_ips=env_str("GATEWAY_FORWARDED_ALLOW_IPS", "127.0.0.1") if trust else None)


if __name__ == "__main__":
    main()
