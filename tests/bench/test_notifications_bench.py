"""Benchmark: webhook fan-out of the Notificaties API on this machine, through the real stack —
gunicorn serving the API, the Celery worker delivering, one uvicorn process as every subscriber.

1. One notificatie to BENCH_FANOUT (1,000) subscribers, BENCH_FANOUT_ROUNDS times.
2. BENCH_NOTIFICATIES (10,000) notificaties to 10 subscribers, published at BENCH_RATE (100) per
   second from BENCH_PUBLISHERS threads.
3. The same without pacing (BENCH_BURST notificaties, as fast as the API takes them).

Prints deliveries per second (deliveries / time from the first publication to the last receipt)
and p50/p99 from publication (the moment before the POST) to receipt. Asserts only that every
delivery arrived exactly once. Uses its own database `grondwerk_notifications_bench` (recreated)
and its own redis-server.

Run: `make bench`, or `python -m pytest tests/bench/test_notifications_bench.py -s -q -p no:django`.
"""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson
import psycopg
import pytest

from components.kernel.auth.tokens import sign
from components.kernel.env import database_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
SETTINGS = "tests.bench.notifications_bench_settings"
CLIENT, SECRET = "bench", "bench-secret-bench-secret-bench-secret"

FANOUT = int(os.environ.get("BENCH_FANOUT", "1000"))
FANOUT_ROUNDS = int(os.environ.get("BENCH_FANOUT_ROUNDS", "3"))
NOTIFICATIES = int(os.environ.get("BENCH_NOTIFICATIES", "10000"))
RATE = float(os.environ.get("BENCH_RATE", "100"))
BURST = int(os.environ.get("BENCH_BURST", "2000"))
PUBLISHERS = int(os.environ.get("BENCH_PUBLISHERS", "4"))
WORKER_CONCURRENCY = os.environ.get("BENCH_WORKER_CONCURRENCY", "8")
WEB_WORKERS = os.environ.get("BENCH_WEB_WORKERS", "2")

SEED = """
import django
django.setup()
from components.notifications.models import Abonnement, FilterGroup, Kanaal
receiver = {receiver!r}
for naam, count in (("fanout", {fanout}), ("tien", 10)):
    kanaal = Kanaal.objects.create(naam=naam, filters=["nummer"])
    abonnementen = Abonnement.objects.bulk_create(
        Abonnement(callback_url=f"{{receiver}}/{{naam}}/{{i}}", auth="Bearer bench") for i in range(count))
    FilterGroup.objects.bulk_create(FilterGroup(abonnement=a, kanaal=kanaal, filters={{}}) for a in abonnementen)
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (Linux /proc)."""
    total, pending = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            fields = open(f"/proc/{current}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = open(f"/proc/{current}/task/{current}/children").read().split()
        except OSError:
            continue
        pending += [int(child) for child in children]
    return total


def postgres_cpu() -> dict[int, float]:
    """CPU of every PostgreSQL process on this machine, by pid (the bench's backends among them)."""
    seconds = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if open(f"/proc/{entry}/comm").read().strip() == "postgres":
                    fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                    seconds[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except OSError:
                continue
    return seconds


class CpuMeter:
    """CPU seconds each part of the stack spent between start() and report()."""

    def __init__(self, stack):
        self.parts = {name: process.pid for name, process in stack["processes"].items()}

    def sample(self) -> dict:
        return {name: cpu_seconds(pid) for name, pid in self.parts.items()}

    def start(self):
        self.before, self.postgres_before = self.sample(), postgres_cpu()

    def report(self, per: int, unit: str) -> None:
        after, postgres_after = self.sample(), postgres_cpu()
        spent = {name: after[name] - self.before[name] for name in after}
        # Backends that came and went in between are not counted; long-lived ones are.
        spent["postgres (whole server)"] = sum(
            postgres_after[pid] - self.postgres_before.get(pid, 0.0) for pid in postgres_after)
        print("    CPU per " + unit + ": " + ", ".join(
            f"{name} {seconds / per * 1000:.2f} ms" for name, seconds in spent.items()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def bench_database() -> str:
    parts = urlsplit(database_url("notifications"))
    url = urlunsplit(parts._replace(path="/grondwerk_notifications_bench"))
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS grondwerk_notifications_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE grondwerk_notifications_bench")
    return url


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    logs = tmp_path_factory.mktemp("bench")
    redis_port, web_port, receiver_port = free_port(), free_port(), free_port()
    receiver = f"http://127.0.0.1:{receiver_port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "NOTIFICATIONS_DATABASE_URL": bench_database(),
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
           "NOTIFICATIONS_URL": f"http://127.0.0.1:{web_port}", "LOG_LEVEL": "WARNING"}
    env.pop("CELERY_QUEUE", None)
    processes = {}

    def start(name, argv):
        log = open(logs / f"{name}.log", "wb")
        processes[name] = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no"])
    subprocess.run([os.path.join(BIN, "python"), "-m", "django", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([os.path.join(BIN, "python"), "-c", SEED.format(receiver=receiver, fanout=FANOUT)], cwd=ROOT,
                   env=env, check=True)
    start("receiver", [os.path.join(BIN, "uvicorn"), "tests.bench.webhook_receiver:app", "--port",
                       str(receiver_port), "--no-access-log", "--log-level", "warning"])
    start("web", [os.path.join(BIN, "gunicorn"), "--bind", f"127.0.0.1:{web_port}", "--workers", WEB_WORKERS,
                  "--log-level", "warning", "components.notifications.wsgi:application"])
    start("worker", [os.path.join(BIN, "python"), "-m", "celery", "-A", "components.kernel.celery", "worker",
                     "--pool", "threads", "--concurrency", WORKER_CONCURRENCY, "--without-gossip",
                     "--without-mingle", "--loglevel", "WARNING"])
    for port in (redis_port, receiver_port, web_port):
        wait_for_port(port)
    time.sleep(3)  # the worker connects to the broker
    yield {"api": f"http://127.0.0.1:{web_port}/notificaties/api/v1", "receiver": receiver, "logs": logs,
           "processes": processes}
    for process in reversed(list(processes.values())):
        process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def message(kanaal: str, number: int) -> dict:
    url = f"http://bench.example/zaken/api/v1/zaken/{number}?t={time.time():.6f}"
    return {"kanaal": kanaal, "hoofdObject": url, "resource": "zaak", "resourceUrl": url, "actie": "create",
            "aanmaakdatum": "2026-01-01T00:00:00Z", "kenmerken": {"nummer": str(number)}}


class Publisher:
    """POSTs notificaties over one keep-alive connection per thread (http.client: the load
    generator should take as little of the shared CPU as it can)."""

    def __init__(self, api: str):
        parts = urlsplit(api)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.local = threading.local()
        self.headers = {"Authorization": f"Bearer {sign(CLIENT, SECRET)}", "Content-Type": "application/json"}

    def post(self, kanaal: str, number: int) -> None:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        connection.request("POST", f"{self.path}/notificaties", orjson.dumps(message(kanaal, number)),
                           self.headers)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 201, body


def receipts(stack, expected: int, timeout: float = 300.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        stats = httpx.get(f"{stack['receiver']}/stats", timeout=30).json()
        if stats["count"] >= expected or time.monotonic() > deadline:
            return stats
        time.sleep(0.2)


def report(title: str, stats: dict, expected: int, started: float) -> None:
    latencies = sorted(stats["latencies"])
    assert stats["count"] == expected and stats["distinct"] == expected, \
        f"{title}: {stats['count']} deliveries ({stats['distinct']} distinct), expected {expected}"
    seconds = stats["last"] - started
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"  {title}: {expected} deliveries in {seconds:.2f} s = {expected / seconds:,.0f} deliveries/s; "
          f"publish->receipt p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")


def test_fanout_and_sustained_rate(stack):
    publisher = Publisher(stack["api"])
    print(f"\nnotifications bench ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; worker --pool threads "
          f"--concurrency {WORKER_CONCURRENCY}, gunicorn {WEB_WORKERS} workers)")
    publisher.post("tien", -1)  # warm up every process once
    receipts(stack, 10)

    meter = CpuMeter(stack)
    print(f"1. one notificatie to {FANOUT} subscribers, {FANOUT_ROUNDS} rounds")
    meter.start()
    for round_number in range(FANOUT_ROUNDS):
        httpx.post(f"{stack['receiver']}/reset")
        started = time.time()
        publisher.post("fanout", round_number)
        report(f"round {round_number + 1}", receipts(stack, FANOUT), FANOUT, started)
    meter.report(FANOUT * FANOUT_ROUNDS, "delivery")

    print(f"2. {NOTIFICATIES} notificaties to 10 subscribers at {RATE:g}/s ({PUBLISHERS} publishing threads)")
    httpx.post(f"{stack['receiver']}/reset")
    meter.start()
    started = time.time()
    with ThreadPoolExecutor(PUBLISHERS) as pool:
        def paced(number):
            delay = started + number / RATE - time.time()
            if delay > 0:
                time.sleep(delay)
            publisher.post("tien", number)
        list(pool.map(paced, range(NOTIFICATIES)))
    published = time.time() - started
    report(f"published in {published:.1f} s", receipts(stack, NOTIFICATIES * 10), NOTIFICATIES * 10, started)
    meter.report(NOTIFICATIES, "notificatie (10 deliveries)")

    print(f"3. {BURST} notificaties to 10 subscribers, unpaced ({PUBLISHERS} publishing threads)")
    httpx.post(f"{stack['receiver']}/reset")
    meter.start()
    started = time.time()
    with ThreadPoolExecutor(PUBLISHERS) as pool:
        list(pool.map(lambda number: publisher.post("tien", number), range(BURST)))
    published = time.time() - started
    report(f"published in {published:.1f} s ({BURST / published:.0f}/s)", receipts(stack, BURST * 10), BURST * 10,
           started)
    meter.report(BURST, "notificatie (10 deliveries)")
