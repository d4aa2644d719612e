"""The delivery HTTP client against real servers on loopback: keep-alive, the three ways a
response body ends, a kept connection the server closed, 1xx answers, timeouts, TLS, and header
values that must not smuggle lines."""

import asyncio
import shutil
import ssl
import subprocess

import pytest

from components.notifications.webhook_client import WebhookClient, WebhookError

BODY = b'{"kanaal": "zaken"}'


class ScriptedServer:
    """Answers each request on a connection with the next scripted raw response; records what
    came in and how many connections were opened."""

    def __init__(self, responses: list[bytes], *, close_after_each: bool = False, ssl_context=None):
        self.responses = list(responses)
        self.requests: list[bytes] = []
        self.connections = 0
        self.close_after_each = close_after_each
        self.ssl_context = ssl_context

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.ssl_context)
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://localhost:{self.server.sockets[0].getsockname()[1]}/hook?x=1"

    async def _handle(self, reader, writer):
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                self.requests.append(head + await reader.readexactly(length))
                response = self.responses.pop(0)
                if response == b"HANG":
                    await asyncio.sleep(30)
                writer.write(response)
                await writer.drain()
                if self.close_after_each:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()


def run(coroutine):
    return asyncio.run(coroutine)


OK_204 = b"HTTP/1.1 204 No Content\r\n\r\n"


def test_keeps_the_connection_and_sends_the_request_as_given():
    async def scenario():
        server = ScriptedServer([OK_204, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhallo"])
        url = await server.start()
        client = WebhookClient()
        first = await client.post(url, BODY, {"Authorization": "Bearer x", "X-Grondwerk-Delivery-Id": "d1"}, 5)
        second = await client.post(url, BODY, {}, 5)
        await server.stop()
        client.close()
        return server, first, second

    server, first, second = run(scenario())
    assert (first.status, second.status, second.body) == (204, 200, b"hallo")
    assert server.connections == 1
    request = server.requests[0]
    assert request.startswith(b"POST /hook?x=1 HTTP/1.1\r\n") and request.endswith(b"\r\n\r\n" + BODY)
    assert b"Authorization: Bearer x\r\n" in request and b"X-Grondwerk-Delivery-Id: d1\r\n" in request
    assert b"Host: localhost:" in request


def test_reads_a_chunked_body_and_keeps_the_connection():
    chunked = b"HTTP/1.1 500 Fout\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nstuk\r\n5;x=y\r\n twee\r\n0\r\n\r\n"

    async def scenario():
        server = ScriptedServer([chunked, OK_204])
        url = await server.start()
        client = WebhookClient(keep_bytes=6)
        first = await client.post(url, BODY, {}, 5)
        second = await client.post(url, BODY, {}, 5)
        await server.stop()
        return server, first, second

    server, first, second = run(scenario())
    assert (first.status, first.body, second.status) == (500, b"stuk t", 204)
    assert server.connections == 1


def test_a_body_that_ends_with_the_connection_and_a_kept_connection_closed_by_the_server():
    async def scenario():
        # HTTP/1.0 without a length: the body ends when the server closes.
        server = ScriptedServer([b"HTTP/1.0 202 Accepted\r\n\r\nok", OK_204, OK_204], close_after_each=True)
        url = await server.start()
        client = WebhookClient()
        first = await client.post(url, BODY, {}, 5)
        # The server closes after every answer, also after a keep-alive one: the client finds
        # the kept connection dead and sends on a new one.
        second = await client.post(url, BODY, {}, 5)
        await asyncio.sleep(0.05)
        third = await client.post(url, BODY, {}, 5)
        await server.stop()
        return server, first, second, third

    server, first, second, third = run(scenario())
    assert (first.status, first.body, second.status, third.status) == (202, b"ok", 204, 204)
    assert len(server.requests) == 3 and server.connections == 3


def test_skips_interim_answers():
    async def scenario():
        server = ScriptedServer([b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"])
        url = await server.start()
        response = await WebhookClient().post(url, BODY, {}, 5)
        await server.stop()
        return response

    assert run(scenario()).status == 201


def test_a_hanging_server_times_out():
    async def scenario():
        server = ScriptedServer([b"HANG"])
        url = await server.start()
        with pytest.raises(TimeoutError):
            await WebhookClient().post(url, BODY, {}, 0.2)
        await server.stop()

    run(scenario())


def test_unreachable_and_garbage_answers_are_webhook_errors():
    async def scenario():
        client = WebhookClient()
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = probe.sockets[0].getsockname()[1]
        probe.close()
        await probe.wait_closed()
        with pytest.raises(WebhookError):
            await client.post(f"http://127.0.0.1:{port}/", BODY, {}, 2)
        server = ScriptedServer([b"SMTP ready\r\n\r\n"])
        url = await server.start()
        with pytest.raises(WebhookError):
            await client.post(url, BODY, {}, 2)
        await server.stop()

    run(scenario())


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer x\r\nX-Evil: 1"}, {"X\nY": "z"}])
def test_header_values_cannot_add_lines(headers):
    with pytest.raises(WebhookError):
        run(WebhookClient().post("http://127.0.0.1:9/", BODY, headers, 1))


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is needed to make a certificate")
def test_https(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)

    async def scenario():
        server = ScriptedServer([OK_204, OK_204], ssl_context=server_context)
        url = await server.start()
        trusting = WebhookClient(ssl_context=ssl.create_default_context(cafile=str(cert)))
        responses = [await trusting.post(url, BODY, {}, 5), await trusting.post(url, BODY, {}, 5)]
        with pytest.raises(WebhookError, match="CERTIFICATE_VERIFY_FAILED"):  # an untrusted certificate
            await WebhookClient().post(url, BODY, {}, 5)
        await server.stop()
        return server, responses

    server, responses = run(scenario())
    assert [r.status for r in responses] == [204, 204] and server.connections <= 2


def test_a_hanging_origin_holds_only_its_own_slots():
    async def scenario():
        hanging = ScriptedServer([b"HANG", OK_204])
        healthy = ScriptedServer([OK_204])
        hanging_url, healthy_url = await hanging.start(), await healthy.start()
        client = WebhookClient(max_per_origin=1)
        stuck = asyncio.ensure_future(client.post(hanging_url, BODY, {}, 5))
        await asyncio.sleep(0.1)
        # The one slot of the hanging origin is taken: a second request waits (and times out) ...
        with pytest.raises(TimeoutError):
            await client.post(hanging_url, BODY, {}, 0.3)
        # ... while another origin is served at once.
        response = await client.post(healthy_url, BODY, {}, 1)
        stuck.cancel()
        await hanging.stop()
        await healthy.stop()
        return hanging, response

    hanging, response = run(scenario())
    assert response.status == 204 and hanging.connections == 1
