"""Small real HTTP servers standing in for components the gateway tests need to observe:
they echo what reached them (and from which port), stream large bodies both ways, answer
slowly on `/traag/`, and remember every X-Request-ID they saw (`/_seen/<id>`).

Run: `python -m tests.gateway.fake_upstream name=port [name=port ...]` (one uvicorn server
per name, all in one process and one event loop).
"""

import asyncio
import sys
import zlib

import orjson
import uvicorn

CHUNK = 64 * 1024
PATTERN = bytes(range(256)) * (CHUNK // 256)


def make_app(name: str, seen: set[str]):
    async def respond(send, status: int, payload: dict, headers=()):
        body = orjson.dumps(payload)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body)),
                                *headers]})
        await send({"type": "http.response.body", "body": body})

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        path = scope["path"]
        headers = {}
        for key, value in scope["headers"]:
            headers.setdefault(key.decode("latin-1"), []).append(value.decode("latin-1"))
        request_id = headers.get("x-request-id", [""])[0]
        if path.startswith("/_seen/"):
            return await respond(send, 200, {"seen": path[len("/_seen/"):] in seen})
        if request_id:
            seen.add(request_id)
        if path == "/_health/ready":
            return await respond(send, 200, {"status": "ok", "component": name, "checks": {"fake": "ok"}})
        if path.startswith("/traag/"):
            await asyncio.sleep(5)
        if path.endswith("/groot"):
            # A download of `?bytes=N`, streamed in chunks with a Content-Length.
            size = int(dict(p.split("=") for p in scope["query_string"].decode().split("&") if p)["bytes"])
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/octet-stream"),
                                    (b"content-length", b"%d" % size)]})
            left = size
            while left > 0:
                piece = PATTERN[:min(CHUNK, left)]
                left -= len(piece)
                await send({"type": "http.response.body", "body": piece, "more_body": left > 0})
            return
        received = 0
        checksum = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            checksum = zlib.crc32(chunk, checksum)
            more = message.get("more_body", False)
        extra = []
        if path.endswith("/hop"):
            extra = [(b"connection", b"x-upstream-hop"), (b"x-upstream-hop", b"1"), (b"keep-alive", b"timeout=3"),
                     (b"proxy-authenticate", b"Basic"), (b"x-end-to-end", b"kept")]
        await respond(send, 200, {
            "component": name, "method": scope["method"], "path": path,
            "query": scope["query_string"].decode(), "headers": headers,
            "body_bytes": received, "body_crc32": checksum,
            "peer_port": scope["client"][1],  # tells one connection from the gateway from another
        }, extra)

    return app


async def serve(bindings: list[tuple[str, int]]) -> None:
    seen: set[str] = set()
    servers = [uvicorn.Server(uvicorn.Config(make_app(name, seen), host="127.0.0.1", port=port, log_level="warning",
                                             access_log=False, lifespan="off",
                                             proxy_headers=False))  # the client is the gateway
               for name, port in bindings]
    await asyncio.gather(*(server.serve() for server in servers))


if __name__ == "__main__":
    asyncio.run(serve([(item.split("=")[0], int(item.split("=")[1])) for item in sys.argv[1:]]))
