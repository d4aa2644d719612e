"""The gateway as a reverse proxy, against real upstreams: routing, public URLs, headers,
early refusals, rate limits, size limits, failures and request ids."""

import asyncio
import socket
import uuid
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
import redis

from components.kernel.auth.tokens import sign
from components.kernel.env import redis_url

from .conftest import LIMITED_API_BODY

PROBLEM_FIELDS = {"type", "code", "title", "status", "detail", "instance"}


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_FIELDS <= set(body)
    assert body["status"] == status
    return body


def rid() -> str:
    return f"test-{uuid.uuid4().hex}"


# -- routing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, component", [
    ("/zaken/api/v1/zaken", "cases"),
    ("/catalogi/api/v1/zaaktypen", "cases"),
    ("/besluiten/api/v1/besluiten", "cases"),
    ("/documenten/api/v1/enkelvoudiginformatieobjecten", "documents"),
    ("/notificaties/api/v1/kanaal", "notifications"),
    ("/haalcentraal/api/brp/personen", "persons"),
])
def test_each_api_prefix_reaches_its_component_with_path_and_query_unchanged(gw, stack, path, component):
    response = gw.get(path, params={"pagina": "2", "status": "a b"}, headers=stack.demo.headers())
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["component"] == component
    assert echo["path"] == path
    assert echo["query"] == "pagina=2&status=a+b"
    # The component is addressed as itself; the client's host travels in X-Forwarded-Host.
    assert echo["headers"]["host"] == [urlsplit(stack.fake_urls[component]).netloc]


def test_autorisaties_reaches_the_real_authorizations_component(gw, stack):
    response = gw.get("/autorisaties/api/v1/applicaties", headers=stack.demo.headers())
    assert response.status_code == 200, response.text
    assert response.headers["api-version"] == "1.1.0"
    assert stack.demo.client_id in {cid for app in response.json()["results"] for cid in app["clientIds"]}


def test_paths_no_api_owns_are_404_problems(gw):
    assert_problem(gw.get("/onbekend/api/v1/dingen"), 404)
    assert_problem(gw.get("/zaken"), 404)  # the prefix is "/zaken/"


def test_internal_introspection_is_never_routed(gw, stack):
    request_id = rid()
    response = gw.post("/autorisaties/internal/v1/introspect", json={"token": stack.demo.token()},
                       headers={**stack.demo.headers(), "X-Request-ID": request_id})
    assert_problem(response, 404)
    assert stack.log_entry(request_id)["upstream_ms"] is None  # answered by the gateway itself


def test_dot_segments_are_refused(stack):
    # Sent over a plain socket: HTTP clients normalise such paths before sending.
    for path in ("/autorisaties/api/v1/schema/../../internal/v1/introspect",
                 "/autorisaties/api/v1/schema%2F..%2F..%2Finternal/v1/introspect"):
        answer = raw_request(stack.url, (
            f"GET {path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n").encode())
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400"), head
        assert orjson.loads(body)["code"] == "invalid-path"


# -- public URLs -----------------------------------------------------------------------------------

def test_urls_in_responses_are_the_gateways(gw, stack):
    response = gw.get("/autorisaties/api/v1/applicaties", headers=stack.demo.headers())
    urls = [app["url"] for app in response.json()["results"]]
    assert urls and all(url.startswith(f"{stack.url}/autorisaties/api/v1/applicaties/") for url in urls)
    # A URL from an answer can be followed through the gateway as it is.
    detail = gw.get(urls[0], headers=stack.demo.headers())
    assert detail.status_code == 200
    assert detail.json()["url"] == urls[0]


def test_urls_follow_the_host_the_client_used(gw, stack):
    response = gw.get("/autorisaties/api/v1/applicaties",
                      headers={**stack.demo.headers(), "Host": "api.gemeente.example"})
    assert all(app["url"].startswith("http://api.gemeente.example/autorisaties/api/v1/")
               for app in response.json()["results"])


def test_forwarded_headers_from_clients_are_not_trusted(gw, stack):
    response = gw.get("/autorisaties/api/v1/applicaties", headers={
        **stack.demo.headers(), "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
        "X-Forwarded-Prefix": "/evil"})
    urls = [app["url"] for app in response.json()["results"]]
    assert urls and all(url.startswith(f"{stack.url}/autorisaties/") for url in urls)


def test_x_forwarded_headers_are_set_for_the_component(gw, stack):
    echo = gw.get("/zaken/api/v1/zaken", headers={**stack.demo.headers(), "X-Forwarded-For": "6.6.6.6"}).json()
    assert echo["headers"]["x-forwarded-for"] == ["127.0.0.1"]
    assert echo["headers"]["x-forwarded-host"] == [urlsplit(stack.url).netloc]
    assert echo["headers"]["x-forwarded-proto"] == ["http"]
    assert "x-forwarded-prefix" not in echo["headers"]


# -- hop-by-hop headers ----------------------------------------------------------------------------

def raw_request(url: str, request: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            body += sock.recv(65536)
        return head + b"\r\n\r\n" + body


def test_hop_by_hop_request_headers_are_not_forwarded(stack):
    token = stack.demo.token()
    answer = raw_request(stack.url, (
        "GET /zaken/api/v1/zaken HTTP/1.1\r\n"
        f"Host: {urlsplit(stack.url).netloc}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Connection: keep-alive, X-Hop-Secret\r\n"
        "X-Hop-Secret: should-not-pass\r\n"
        "Keep-Alive: timeout=5\r\n"
        "TE: trailers\r\n"
        "Trailer: X-Checksum\r\n"
        "Upgrade: h2c\r\n"
        "Proxy-Authorization: Basic c2VjcmV0\r\n"
        "Proxy-Connection: keep-alive\r\n"
        "X-End-To-End: kept\r\n"
        "\r\n").encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    received = orjson.loads(body)["headers"]
    for hop in ("x-hop-secret", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection"):
        assert hop not in received, hop
    # The gateway's own connection to the component is its business, not the client's.
    assert "connection" not in received
    assert received["x-end-to-end"] == ["kept"]
    assert received["authorization"] == [f"Bearer {token}"]  # components check scopes themselves


def test_hop_by_hop_response_headers_are_not_returned(gw, stack):
    response = gw.get("/zaken/api/v1/hop", headers=stack.demo.headers())
    assert response.status_code == 200
    assert "x-upstream-hop" not in response.headers
    assert "keep-alive" not in response.headers
    assert "proxy-authenticate" not in response.headers
    assert response.headers["x-end-to-end"] == "kept"


# -- early token check -----------------------------------------------------------------------------

@pytest.mark.parametrize("authorization, code", [
    (None, "not_authenticated"),
    ("Basic Zm9vOmJhcg==", "invalid-token"),
    ("Bearer not-a-jwt", "invalid-token"),
    ("bad-signature", "bad-signature"),
    ("unknown-client", "unknown-client"),
])
def test_requests_without_a_valid_token_are_refused_before_the_component(gw, stack, authorization, code):
    if authorization == "bad-signature":
        authorization = f"Bearer {sign(stack.demo.client_id, 'not-the-secret')}"
    elif authorization == "unknown-client":
        authorization = f"Bearer {sign('nobody-' + uuid.uuid4().hex[:6], 'whatever')}"
    request_id = rid()
    headers = {"X-Request-ID": request_id}
    if authorization:
        headers["Authorization"] = authorization
    response = gw.get("/zaken/api/v1/zaken", headers=headers)
    body = assert_problem(response, 401)
    assert body["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["x-request-id"] == request_id
    assert not stack.seen_upstream(request_id)
    # The same request with a valid token does reach the component.
    valid_id = rid()
    assert gw.get("/zaken/api/v1/zaken", headers={**stack.demo.headers(), "X-Request-ID": valid_id}).status_code == 200
    assert stack.seen_upstream(valid_id)


def test_contracts_are_public(gw):
    response = gw.get("/autorisaties/api/v1/schema/openapi.yaml")
    assert response.status_code == 200
    assert b"openapi:" in response.content[:200]
    assert "/autorisaties/api/v1/applicaties" in response.text


def test_a_components_own_docs_page_is_public(gw):
    page = gw.get("/autorisaties/api/v1/schema/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


# -- rate limits -----------------------------------------------------------------------------------

def test_rate_limit_per_client_and_api_with_headers(gw, stack):
    headers = stack.limited.headers()
    remaining = []
    for _ in range(3):
        response = gw.get("/zaken/api/v1/zaken", headers=headers)
        assert response.status_code == 200
        assert response.headers["ratelimit-limit"] == "3"
        assert 0 < int(response.headers["ratelimit-reset"]) <= 60
        remaining.append(int(response.headers["ratelimit-remaining"]))
    assert remaining == [2, 1, 0]

    request_id = rid()
    refused = gw.get("/zaken/api/v1/zaken", headers={**headers, "X-Request-ID": request_id})
    body = assert_problem(refused, 429)
    assert body["code"] == "throttled"
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-limit"] == "3"
    assert not stack.seen_upstream(request_id)

    # The limit is this client's on this API: other APIs and other clients are not affected.
    assert gw.get("/catalogi/api/v1/zaaktypen", headers=headers).status_code == 200
    assert gw.get("/zaken/api/v1/zaken", headers=stack.demo.headers()).status_code == 200
    # The count lives in Redis, where every gateway process shares it.
    keys = redis.Redis.from_url(redis_url()).keys(f"grondwerk:gateway:ratelimit:{stack.limited.client_id}:zaken:*")
    assert keys


# -- size limits -----------------------------------------------------------------------------------

def test_a_declared_body_over_the_limit_is_413_before_the_component(gw, stack):
    request_id = rid()
    response = gw.post("/zaken/api/v1/zaken", content=b"x" * (LIMITED_API_BODY + 1),
                       headers={**stack.demo.headers(), "X-Request-ID": request_id})
    assert_problem(response, 413)
    assert not stack.seen_upstream(request_id)


def test_a_streamed_body_over_the_limit_is_413(gw, stack):
    def chunks():
        for _ in range(40):
            yield b"y" * 65536  # 2.5 MiB, no Content-Length: counted as it streams

    response = gw.post("/zaken/api/v1/zaken", content=chunks(), headers=stack.demo.headers())
    assert_problem(response, 413)


def test_a_small_chunked_body_arrives_with_a_length(gw, stack):
    def chunks():
        yield b'{"omschrijving": '
        yield b'"chunked"}'

    echo = gw.post("/zaken/api/v1/zaken", content=chunks(), headers=stack.demo.headers()).json()
    assert echo["body_bytes"] == len(b'{"omschrijving": "chunked"}')
    assert echo["headers"]["content-length"] == [str(echo["body_bytes"])]
    assert "transfer-encoding" not in echo["headers"]


# -- upstream failures -----------------------------------------------------------------------------

def test_upstream_down_is_503_problem(gw, stack):
    body = assert_problem(gw.get("/dood/api/v1/iets", headers=stack.demo.headers()), 503)
    assert body["code"] == "upstream-unavailable"


def test_slow_upstream_is_504_and_does_not_hold_up_others(stack):
    async def scenario():
        async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:
            slow = asyncio.ensure_future(client.get("/traag/api/v1/iets", headers=stack.demo.headers()))
            await asyncio.sleep(0.1)
            fast = [await client.get("/zaken/api/v1/zaken", headers=stack.demo.headers()) for _ in range(5)]
            slow_was_pending = not slow.done()
            return slow_was_pending, fast, await slow

    slow_was_pending, fast, slow = asyncio.run(scenario())
    assert [r.status_code for r in fast] == [200] * 5
    assert slow_was_pending
    assert assert_problem(slow, 504)["code"] == "upstream-timeout"


# -- request ids and the access log ----------------------------------------------------------------

def test_request_id_is_passed_on_and_returned(gw, stack):
    request_id = rid()
    response = gw.get("/zaken/api/v1/zaken", headers={**stack.demo.headers(), "X-Request-ID": request_id})
    assert response.headers["x-request-id"] == request_id
    assert response.json()["headers"]["x-request-id"] == [request_id]
    real = gw.get("/autorisaties/api/v1/applicaties", headers={**stack.demo.headers(), "X-Request-ID": request_id})
    assert real.headers.get_list("x-request-id") == [request_id]


@pytest.mark.parametrize("incoming", [None, "bad id with spaces", "x" * 200])
def test_a_request_id_is_made_when_missing_or_unusable(gw, stack, incoming):
    headers = stack.demo.headers()
    if incoming:
        headers["X-Request-ID"] = incoming
    response = gw.get("/zaken/api/v1/zaken", headers=headers)
    made = response.headers["x-request-id"]
    assert made != incoming and len(made) == 32
    assert response.json()["headers"]["x-request-id"] == [made]


def test_one_json_access_log_line_per_request_without_secrets(gw, stack):
    request_id = rid()
    token = stack.demo.token()
    gw.get("/zaken/api/v1/zaken", params={"bsn": "999990019"},
           headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id})
    refused_id = rid()
    gw.get("/zaken/api/v1/zaken", headers={"Authorization": "Bearer geheim-token", "X-Request-ID": refused_id})

    entry = stack.log_entry(request_id)
    assert entry["client_id"] == stack.demo.client_id
    assert entry["api"] == "zaken"
    assert entry["method"] == "GET"
    assert entry["status"] == 200
    assert entry["bytes_out"] > 0
    assert entry["upstream_ms"] >= 0 and entry["total_ms"] >= entry["upstream_ms"]
    refused = stack.log_entry(refused_id)
    assert refused["status"] == 401 and refused["client_id"] == ""
    assert all(orjson.loads(line) for line in stack.log_lines())  # every line is JSON

    text = stack.log.read_text()
    assert token not in text
    assert "geheim-token" not in text
    assert "bearer" not in text.lower()
    assert '"authorization"' not in text.lower() and "authorization:" not in text.lower()
    assert "999990019" not in text  # query strings stay out of the log


# -- other methods ---------------------------------------------------------------------------------

def test_head_and_post_bodies_pass(gw, stack):
    head = gw.head("/zaken/api/v1/zaken", headers=stack.demo.headers())
    assert head.status_code == 200 and head.content == b""
    body = b'{"omschrijving": "test"}'
    echo = gw.post("/zaken/api/v1/zaken", content=body,
                   headers={**stack.demo.headers(), "Content-Type": "application/json"}).json()
    assert echo["method"] == "POST"
    assert echo["body_bytes"] == len(body)
    # The connection is reused after a HEAD: a following request still gets its own answer.
    assert gw.get("/zaken/api/v1/zaken", headers=stack.demo.headers()).json()["method"] == "GET"
