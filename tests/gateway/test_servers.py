"""The gateway's own HTTP server (`gateway.server`, what `python -m gateway` runs), seen at the
protocol level, and the same gateway app under uvicorn: proxying behaves alike on both."""

import collections
import os
import socket
import time
import uuid
import zlib
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from tests.gateway.fake_upstream import CHUNK, PATTERN
from tests.gateway.processes import (
    ESTABLISHED,
    LISTEN,
    PYTHON,
    free_port,
    processes_holding,
    sockets_of,
    start,
    stop,
    tcp_sockets,
)


def rid() -> str:
    return f"test-{uuid.uuid4().hex}"


# -- the same behaviour on both servers ------------------------------------------------------------

def test_a_request_reaches_its_component_and_its_answer_comes_back(any_gw, stack):
    request_id = rid()
    response = any_gw.get("/zaken/api/v1/zaken", params={"status": "a b"},
                          headers={**stack.demo.headers(), "X-Request-ID": request_id})
    assert response.status_code == 200, response.text
    echo = response.json()
    assert (echo["component"], echo["path"], echo["query"]) == ("cases", "/zaken/api/v1/zaken", "status=a+b")
    assert echo["headers"]["x-request-id"] == [request_id]
    assert echo["headers"]["x-forwarded-host"] == [urlsplit(str(any_gw.base_url)).netloc]
    assert response.headers["x-request-id"] == request_id
    assert response.headers["ratelimit-limit"] == "10000"
    assert response.headers["date"]


def test_a_request_without_a_token_is_refused_before_the_component(any_gw, stack):
    request_id = rid()
    response = any_gw.get("/zaken/api/v1/zaken", headers={"X-Request-ID": request_id})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert not stack.seen_upstream(request_id)


def test_hop_by_hop_answer_headers_stay_behind(any_gw, stack):
    response = any_gw.get("/zaken/api/v1/hop", headers=stack.demo.headers())
    assert response.status_code == 200
    assert "x-upstream-hop" not in response.headers and "proxy-authenticate" not in response.headers
    assert response.headers["x-end-to-end"] == "kept"


def test_head_and_post_pass(any_gw, stack):
    head = any_gw.head("/zaken/api/v1/zaken", headers=stack.demo.headers())
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    echo = any_gw.post("/zaken/api/v1/zaken", content=b"x" * 1000, headers=stack.demo.headers()).json()
    assert (echo["method"], echo["body_bytes"]) == ("POST", 1000)
    assert any_gw.get("/zaken/api/v1/zaken", headers=stack.demo.headers()).json()["method"] == "GET"


def test_a_download_and_a_chunked_upload_stream_through(any_gw, stack):
    size = 8 * 1024 * 1024 + 123
    crc, received = 0, 0
    with any_gw.stream("GET", "/documenten/api/v1/enkelvoudiginformatieobjecten/1/groot", params={"bytes": size},
                       headers=stack.demo.headers()) as response:
        assert response.headers["content-length"] == str(size)
        for chunk in response.iter_raw():
            received += len(chunk)
            crc = zlib.crc32(chunk, crc)
    expected = 0
    for offset in range(0, size, CHUNK):
        expected = zlib.crc32(PATTERN[:min(CHUNK, size - offset)], expected)
    assert (received, crc) == (size, expected)

    def body():
        for _ in range(48):  # 3 MiB without a length: more than is collected, so it stays chunked
            yield PATTERN

    echo = any_gw.put("/documenten/api/v1/bestandsdelen/upload", content=body(), headers=stack.demo.headers()).json()
    assert echo["body_bytes"] == 48 * len(PATTERN)
    assert echo["headers"]["transfer-encoding"] == ["chunked"]


def test_an_unreachable_component_is_a_503_problem(any_gw, stack):
    response = any_gw.get("/dood/api/v1/iets", headers=stack.demo.headers())
    assert response.status_code == 503
    assert response.json()["code"] == "upstream-unavailable"


def test_the_portal_and_health_are_served(any_gw):
    assert any_gw.get("/_health/live").json() == {"status": "ok", "component": "gateway"}
    page = any_gw.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert any_gw.get("/bestaat-niet").status_code == 404


# -- the gateway's own server at the protocol level ------------------------------------------------

def connect(stack) -> socket.socket:
    parts = urlsplit(stack.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def read_answer(sock: socket.socket, buffer: bytearray) -> tuple[bytes, bytes]:
    """One answer with a Content-Length from the socket (what follows stays in `buffer`)."""
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        assert data, f"connection closed; received {bytes(buffer)!r}"
        buffer += data
    end = buffer.index(b"\r\n\r\n")
    head = bytes(buffer[:end])
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(buffer) < end + 4 + length:
        data = sock.recv(65536)
        assert data, "connection closed in the middle of a body"
        buffer += data
    body = bytes(buffer[end + 4:end + 4 + length])
    del buffer[:end + 4 + length]
    return head, body


def closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_pipelined_requests_are_answered_in_order(stack):
    token = stack.demo.token()
    ids = [rid() for _ in range(3)]
    requests = b"".join(
        f"GET /zaken/api/v1/{n} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {token}\r\nX-Request-ID: {i}\r\n\r\n"
        .encode() for n, i in enumerate(ids))
    with connect(stack) as sock:
        sock.sendall(requests)  # all three at once, before any answer
        buffer = bytearray()
        answers = [read_answer(sock, buffer) for _ in ids]
    assert [orjson.loads(body)["path"] for _, body in answers] == [f"/zaken/api/v1/{n}" for n in range(3)]
    assert [head.lower().split(b"x-request-id: ")[1].split(b"\r\n")[0].decode() for head, _ in answers] == ids


def test_expect_100_continue_is_answered_before_the_body_is_sent(stack):
    body = b"z" * 5000
    with connect(stack) as sock:
        sock.sendall((f"POST /zaken/api/v1/zaken HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {stack.demo.token()}\r\n"
                      f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n").encode())
        interim = sock.recv(65536)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        buffer = bytearray(interim[len(b"HTTP/1.1 100 Continue\r\n\r\n"):])
        head, answer = read_answer(sock, buffer)
    assert head.startswith(b"HTTP/1.1 200")
    assert orjson.loads(answer)["body_bytes"] == len(body)
    assert "expect" not in orjson.loads(answer)["headers"]  # the gateway answered it itself


def test_an_upload_refused_early_is_answered_and_then_the_connection_closes(stack):
    with connect(stack) as sock:
        sock.sendall(b"PUT /zaken/api/v1/zaken HTTP/1.1\r\nHost: gw\r\nContent-Length: 1000000\r\n\r\n")
        buffer = bytearray()
        head, body = read_answer(sock, buffer)  # without the body having been sent
        assert head.startswith(b"HTTP/1.1 401")
        assert b"connection: close" in head.lower()
        sock.sendall(b"x" * 1000000)  # read and dropped, then the connection ends
        assert closed(sock)


def test_an_http_1_0_client_gets_its_answer_and_then_the_connection_closes(stack):
    with connect(stack) as sock:
        sock.sendall(b"GET /_health/live HTTP/1.0\r\n\r\n")
        head, body = read_answer(sock, bytearray())
        assert head.startswith(b"HTTP/1.1 200")
        assert orjson.loads(body)["component"] == "gateway"
        assert closed(sock)


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /zaken/api/v1/zaken HTTP/1.1\r\nHost: gw\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"THIS IS NOT HTTP\r\n\r\n", 400),
])
def test_a_request_the_server_cannot_take_is_a_problem_and_the_connection_closes(stack, request_bytes, status):
    with connect(stack) as sock:
        sock.sendall(request_bytes)
        head, body = read_answer(sock, bytearray())
        assert head.startswith(b"HTTP/1.1 %d" % status)
        assert orjson.loads(body)["status"] == status
        assert closed(sock)


def test_upstream_connections_are_reused_and_retired_after_their_share(gw, stack):
    # Retiring (after `upstream_max_requests`, 100) spreads connections over a component's
    # worker processes anew; reuse is what keeps a request to one write and one read.
    ports = collections.Counter(
        gw.get("/zaken/api/v1/zaken", headers=stack.demo.headers()).json()["peer_port"] for _ in range(250))
    assert 3 <= len(ports) <= 25  # none served more than 100, and far fewer than one per request
    assert max(ports.values()) <= 100


def burst_shares(port: int, workers) -> dict[int, int]:
    """Open sixteen connections to `port` in a burst, a request on each, all kept open while
    counted: how many each of the `workers` (pids) took. With a listening socket of its own per
    worker (SO_REUSEPORT) the kernel spreads them over all."""
    clients = []
    try:
        for _ in range(16):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            clients.append(sock)
            sock.sendall(b"GET /_health/live HTTP/1.1\r\nHost: burst\r\n\r\n")
        for sock in clients:
            assert read_answer(sock, bytearray())[0].startswith(b"HTTP/1.1 200")
        # Only these connections count: others (the gateway's to a component) may be open too.
        established = tcp_sockets(port, ESTABLISHED, peers={sock.getsockname()[1] for sock in clients})
        return {pid: len(sockets_of(pid) & established) for pid in workers}
    finally:
        for sock in clients:
            sock.close()


def test_workers_each_listen_and_share_the_connections(stack, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "gateway.log"
    parent = start([PYTHON, "-m", "gateway", "--port", str(port), "--workers", "2"], stack.gateway_env, log,
                   f"{url}/_health/live")
    try:
        deadline = time.monotonic() + 10
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = {entry["pid"] for entry in map(orjson.loads, log.read_text().splitlines())
                       if entry.get("message") == "gateway listening"}
            time.sleep(0.05)
        assert len(workers) == 2 and parent.pid not in workers
        shares = burst_shares(port, workers)
        assert sum(shares.values()) == 16 and min(shares.values()) > 0, shares
    finally:
        stop(parent)
    assert parent.returncode == 0  # stopped by SIGTERM, passed on to the workers
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}") or "(zombie)" in open(f"/proc/{pid}/status").read()


def test_the_components_workers_each_listen_and_share_the_connections(stack):
    # The component as make up serves it (devstack.up.component_server): gunicorn's workers each
    # have a listening socket of their own (--reuse-port). On one shared socket a burst of
    # connections, the gateway's or a client's, often all went to one worker.
    port = httpx.URL(stack.authorizations_url).port
    listening = tcp_sockets(port, LISTEN)
    holders = {pid: sockets_of(pid) & listening for pid in processes_holding(listening)}
    assert len(listening) == 2 and len(holders) == 2, holders
    assert all(len(held) == 1 for held in holders.values()), holders  # one socket each, none shared
    shares = burst_shares(port, holders)
    assert sum(shares.values()) == 16 and min(shares.values()) > 0, shares
