"""Fixtures of the notifications tests: clients with real tokens, webhook receivers on loopback,
a private redis-server as broker and cache (so a test may stop it), and a real Celery worker
process on the test database."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from components.kernel import testing
from components.kernel.api.authentication import get_verifier, redis_client
from components.kernel.celery import app as celery_app

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUEUE = f"grondwerk.test.notifications.{os.getpid()}"

# Tiny backoff and fast sweeps keep the worker tests quick; the behaviour is the production one.
WORKER_ENV = {
    "DELIVERY_MAX_ATTEMPTS": "3",
    "DELIVERY_BACKOFF_BASE": "0.2",
    "DELIVERY_BACKOFF_FACTOR": "2",
    "DELIVERY_BACKOFF_MAX": "1",
    "DELIVERY_TIMEOUT": "4",
    "DELIVERY_BATCH_WAIT": "0.3",
    "DELIVERY_SWEEP_SECONDS": "0.2",
    "DELIVERY_FAN_OUT_GRACE": "0.5",
    "DELIVERY_DEFER_SECONDS": "0.2",
    "DELIVERY_SLOW_AFTER": "0.5",
    "DELIVERY_LEASE_MARGIN": "1",
    "OUTBOX_SWEEP_SECONDS": "0.3",
    "OUTBOX_BACKOFF_MAX_SECONDS": "1",
    "LOG_LEVEL": "INFO",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05, message: str = "condition"):
    """Poll until `predicate()` is truthy; a liveness guard, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} did not happen within {timeout} s")


# --- clients ------------------------------------------------------------------------------------

def client_with(token: str | None) -> APIClient:
    api = APIClient()
    if token:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture(autouse=True)
def _registry_tokens(settings, broker):
    settings.TOKEN_INTROSPECTOR = "components.kernel.testing.registry_introspector"
    # The same delivery settings here (where deliveries are created) as in the worker.
    for name, value in WORKER_ENV.items():
        if name.startswith(("DELIVERY_", "OUTBOX_")):
            setattr(settings, name, type(getattr(settings, name))(value))
    settings.REDIS_URL = broker.url
    settings.CELERY_BROKER_URL = broker.url
    # Components post to the Notificaties API with the service client's token.
    testing.clear_clients()
    testing.register_client(settings.SERVICE_CLIENT_ID, settings.SERVICE_SECRET, heeft_alle_autorisaties=True)
    get_verifier.cache_clear()
    redis_client.cache_clear()
    yield
    testing.clear_clients()
    get_verifier.cache_clear()
    redis_client.cache_clear()


def _nrc(client_id: str, scopes: list[str]) -> APIClient:
    return client_with(testing.register_client(client_id, f"geheim-{client_id}", autorisaties=[
        {"component": "nrc", "scopes": scopes}]))


@pytest.fixture
def publisher():
    return _nrc("bron", ["notificaties.publiceren"])


@pytest.fixture
def consumer():
    return _nrc("afnemer", ["notificaties.consumeren"])


@pytest.fixture
def admin():
    return client_with(testing.register_client("beheer", "geheim-beheer", heeft_alle_autorisaties=True))


# --- webhook receivers --------------------------------------------------------------------------

@dataclass
class Hit:
    path: str
    headers: dict
    body: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def is_check(self) -> bool:
        return self.body.get("kanaal") == "test"


class Receiver:
    """A subscriber on loopback that records every POST. Per path it answers from a list of
    statuses (then 204), or calls a function that may block (a hanging subscriber)."""

    def __init__(self):
        self.hits: list[Hit] = []
        self.condition = threading.Condition()
        self.statuses: dict[str, list[int]] = {}
        self.handlers: dict[str, object] = {}
        self.releases: list[threading.Event] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()},
                          json.loads(raw) if raw else {})
                status = receiver._answer(hit)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting (a timeout under test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def _answer(self, hit: Hit) -> int:
        with self.condition:
            self.hits.append(hit)
            self.condition.notify_all()
            statuses = None if hit.is_check else self.statuses.get(hit.path)
            status = statuses.pop(0) if statuses else 204
        handler = self.handlers.get(hit.path)
        return handler(hit) if handler is not None else status

    def hang(self, path: str) -> threading.Event:
        """Requests to `path` block until the returned event is set (then answer 204)."""
        release = threading.Event()
        self.releases.append(release)

        def handler(hit):
            release.wait(60)
            return 204

        self.handlers[path] = handler
        return release

    def _deliveries(self, path: str | None) -> list[Hit]:
        return [h for h in self.hits if not h.is_check and (path is None or h.path == path)]

    def deliveries(self, path: str | None = None) -> list[Hit]:
        """Everything received except callback checks."""
        with self.condition:
            return self._deliveries(path)

    def wait_for(self, count: int, path: str | None = None, timeout: float = 30.0) -> list[Hit]:
        with self.condition:
            ok = self.condition.wait_for(lambda: len(self._deliveries(path)) >= count, timeout)
            hits = self._deliveries(path)
        assert ok, f"expected {count} deliveries at {path or 'any path'}, got {len(hits)}"
        return hits

    def close(self):
        for release in self.releases:
            release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    subscriber = Receiver()
    yield subscriber
    subscriber.close()


# --- broker and worker ----------------------------------------------------------------------------

class RedisServer:
    """A private redis-server without persistence: stopping it loses whatever it held."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._answers, 10, message="redis-server start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        wait_until(lambda: not self._answers(), 10, message="redis-server stop")


@pytest.fixture(scope="session", autouse=True)
def _short_lived_connections():
    # The live server's request threads end; their connections must not outlive them, or the test
    # database cannot be dropped at the end.
    connections.settings["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def broker():
    server = RedisServer()
    server.start()
    # This process sends tasks (after commit) to the private broker, on a queue of its own.
    celery_app.conf.broker_url = server.url
    celery_app.conf.task_default_queue = QUEUE
    yield server
    server.stop()


class Worker:
    """`celery worker -B` as a child process on the test database; may be killed and restarted."""

    def __init__(self, env: dict, log_path: str):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.offset = self.log.tell()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "components.kernel.celery", "worker",
             "--pool", "threads", "--concurrency", "4", "--without-gossip", "--without-mingle",
             "-n", f"test-{os.getpid()}@%h", "--loglevel", "INFO"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._ready, 30, 0.1, "worker start")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited: {self.output()[-2000:]}")
        return " ready." in self.output()

    def output(self) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(self.offset)
            return log.read().decode(errors="replace")

    def kill(self):
        """SIGKILL: no warm shutdown, unacknowledged tasks stay where they are."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def worker(django_db_setup, django_db_blocker, live_server, broker, tmp_path_factory):
    with django_db_blocker.unblock():
        database = _database_url()
    env = {
        **os.environ,
        **WORKER_ENV,
        "DJANGO_SETTINGS_MODULE": "components.notifications.settings",
        "NOTIFICATIONS_DATABASE_URL": database,
        "CELERY_BROKER_URL": broker.url,
        "REDIS_URL": broker.url,
        "CELERY_QUEUE": QUEUE,
        # The outbox relay of this "component" posts to the Notificaties API under test.
        "NOTIFICATIONS_URL": live_server.url,
        "DB_CONN_MAX_AGE": "0",
    }
    process = Worker(env, str(tmp_path_factory.mktemp("worker") / "worker.log"))
    process.start()
    yield process
    process.stop()
