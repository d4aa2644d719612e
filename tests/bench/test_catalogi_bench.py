"""Benchmark: list zaaktypen (500 in the catalogus) and retrieve a zaaktype with `expand`, through
gunicorn with 2 workers on this machine, 8 concurrent clients. Prints requests/s, p50/p99, and the
server's CPU per request (gunicorn workers and their PostgreSQL backends): on a shared machine the
CPU figures are the stable ones. Asserts only that answers are correct.

Run: `make bench` (or `python -m pytest tests/bench/test_catalogi_bench.py -s -q -p no:cacheprovider`).
Uses wrk when installed (its client costs little CPU next to the server's); `BENCH_CLIENT=httpx`
uses 8 Python threads with httpx instead. `BENCH_WORKER_CLASS` is `gthread` (4 threads, keep-alive:
how `make up` and the container run a component) or `sync`. `BENCH_SECONDS` (default 5) per figure.
Uses its own database `grondwerk_cases_bench`, recreated on every run.
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from components.kernel.auth.tokens import sign
from components.kernel.env import database_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CONCURRENCY = 8
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WRK = shutil.which("wrk") if os.environ.get("BENCH_CLIENT", "wrk") == "wrk" else None
TOKEN = sign("bench", "bench-secret-bench-secret-bench-secret")
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
EXPAND = "catalogus,statustypen,roltypen,resultaattypen,besluittypen,informatieobjecttypen"

SEED = """
import datetime, django
django.setup()
from components.cases.catalogi.models import *
day = datetime.date(2024, 1, 1)
cat = Catalogus.objects.create(domein="BENCH", rsin="000000000", contactpersoon_beheer_naam="bench")
common = dict(catalogus=cat, concept=False, begin_geldigheid=day)
BesluitType.objects.bulk_create(BesluitType(omschrijving=f"bt{i}", **common) for i in range(20))
InformatieObjectType.objects.bulk_create(InformatieObjectType(omschrijving=f"iot{i}",
    vertrouwelijkheidaanduiding="openbaar", informatieobjectcategorie="c", **common) for i in range(20))
zts = ZaakType.objects.bulk_create(ZaakType(identificatie=f"ZT-{i}", omschrijving=f"Zaaktype {i}",
    vertrouwelijkheidaanduiding="openbaar", doel="d", aanleiding="a", indicatie_intern_of_extern="extern",
    handeling_initiator="h", onderwerp="o", handeling_behandelaar="h", doorlooptijd="P30D",
    referentieproces_naam="r", verantwoordelijke="v", versiedatum=day,
    besluittype_omschrijvingen=[f"bt{i % 20}"], **common) for i in range(500))
for zt in zts:
    StatusType.objects.bulk_create(StatusType(zaaktype=zt, omschrijving=f"s{n}", volgnummer=n) for n in (1, 2, 3))
    RolType.objects.create(zaaktype=zt, omschrijving="Initiator", omschrijving_generiek="initiator")
    ResultaatType.objects.create(zaaktype=zt, omschrijving="Afgehandeld", resultaattypeomschrijving="https://x.example/1",
        selectielijstklasse="https://x.example/2", brondatum_afleidingswijze="afgehandeld")
    ZaakTypeInformatieObjectType.objects.create(zaaktype=zt, informatieobjecttype_omschrijving=f"iot{zt.pk % 20}",
        volgnummer=1, richting="inkomend")
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum keeps them in a running system
print(zts[0].uuid)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@pytest.fixture(scope="module")
def server():
    parts = urlsplit(database_url("cases"))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    bench_url = urlunsplit(parts._replace(path="/grondwerk_cases_bench"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS grondwerk_cases_bench")
        conn.execute("CREATE DATABASE grondwerk_cases_bench")
    env = {**os.environ, "CASES_DATABASE_URL": bench_url,
           "DJANGO_SETTINGS_MODULE": "tests.bench.catalogi_bench_settings", "PYTHONPATH": ROOT}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    uuid = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()
    port = _free_port()
    # --reuse-port as make up: a listening socket per worker, so both get a share of the clients.
    worker = ["--reuse-port"]
    if WORKER_CLASS == "gthread":
        worker += ["--worker-class", "gthread", "--threads", "4", "--keep-alive", "75"]
    process = subprocess.Popen([os.path.join(BIN, "gunicorn"), "components.cases.wsgi:application",
                                "-b", f"127.0.0.1:{port}", "-w", "2", *worker, "--log-level", "warning"],
                               cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/_health/live", timeout=0.5)
            break
        except httpx.HTTPError:
            time.sleep(0.1)

    def server_pids() -> dict[str, list[int]]:
        workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            backends = [row[0] for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = 'grondwerk_cases_bench'")]
        return {"gunicorn": [process.pid, *map(int, workers)], "postgres": backends}

    yield base, uuid, server_pids
    process.terminate()
    process.wait(timeout=10)


def _wrk(url: str) -> dict:
    cmd = [WRK, "-t2", f"-c{CONCURRENCY}", f"-d{SECONDS:g}s", "--timeout", "30s", "--latency",
           "-H", f"Authorization: Bearer {TOKEN}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "Non-2xx" not in out and "Socket errors" not in out, out

    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    percentiles = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    assert {"50", "99"} <= set(percentiles), out
    return {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": ms(percentiles["50"]), "p99": ms(percentiles["99"])}


def _threads(url: str) -> dict:
    """8 Python threads, each an httpx client sending the request back to back."""
    deadline = time.perf_counter() + SECONDS

    def worker(_) -> list[float]:
        timings = []
        with httpx.Client(headers=HEADERS, timeout=30) as client:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text[:300]
        return timings

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        timings = sorted(t for chunk in pool.map(worker, range(CONCURRENCY)) for t in chunk)
    elapsed = time.perf_counter() - started
    return {"requests": len(timings), "rps": len(timings) / elapsed, "p50": statistics.median(timings) * 1000,
            "p99": timings[int(len(timings) * 0.99) - 1] * 1000}


def _measure(server, label: str, path: str, params: dict) -> None:
    base, _, server_pids = server
    url = f"{base}{path}" + (f"?{urlencode(params)}" if params else "")
    with httpx.Client(headers=HEADERS) as client:  # warm up both workers (connections, caches, plans)
        for _ in range(20):
            assert client.get(url).status_code == 200
    before = {pid: _cpu_seconds([pid]) for group in server_pids().values() for pid in group}
    result = _wrk(url) if WRK else _threads(url)
    # Processes that started during the run (a thread's first database connection) count from zero.
    cpu = {name: sum(_cpu_seconds([pid]) - before.get(pid, 0.0) for pid in group) / result["requests"] * 1000
           for name, group in server_pids().items()}
    print(f"\n{label}: {result['rps']:.1f} req/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms "
          f"({result['requests']} requests, {CONCURRENCY} concurrent, {'wrk' if WRK else 'httpx threads'}, "
          f"{WORKER_CLASS}); "
          f"server CPU per request: gunicorn {cpu['gunicorn']:.2f} ms, postgres {cpu['postgres']:.2f} ms; "
          f"load {os.getloadavg()[0]:.1f}")


def test_list_zaaktypen(server):
    base, _, _ = server
    page = httpx.get(f"{base}/catalogi/api/v1/zaaktypen", headers=HEADERS).json()
    assert page["count"] == 500 and len(page["results"]) == 100
    assert page["results"][0]["statustypen"] and page["results"][0]["besluittypen"]
    _measure(server, "GET /zaaktypen (page of 100 of 500)", "/catalogi/api/v1/zaaktypen", {})
    _measure(server, "GET /zaaktypen?page=5", "/catalogi/api/v1/zaaktypen", {"page": 5})


def test_retrieve_zaaktype_with_expand(server):
    base, uuid, _ = server
    path = f"/catalogi/api/v1/zaaktypen/{uuid}"
    body = httpx.get(f"{base}{path}", params={"expand": EXPAND}, headers=HEADERS).json()
    assert len(body["_expand"]["statustypen"]) == 3 and body["_expand"]["catalogus"]["domein"] == "BENCH"
    assert len(body["_expand"]["catalogus"]["zaaktypen"]) == 500
    _measure(server, f"GET /zaaktypen/{{uuid}}?expand={EXPAND}", path, {"expand": EXPAND})
    _measure(server, "GET /zaaktypen/{uuid} (no expand)", path, {})
