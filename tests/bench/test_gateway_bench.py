"""Benchmark: the same request direct to the authorizations component and through the gateway, in
one run, on this machine: the gateway's added latency (p50/p99 over one connection) and its
throughput as a share of direct (at BENCH_CONNECTIONS connections, everything sharing the cores).

Two requests: `GET /_health/live` (no database; routed through a bench-only `/_health/` entry,
so only proxying is measured) and `GET /autorisaties/api/v1/applicaties/{uuid}` with a token
(the gateway's token check from its local cache, and a rate limit with leases). The component
runs under gunicorn with each worker class in BENCH_WORKER_CLASSES: `gthread` keeps upstream
connections alive, `sync` closes each one (so the gateway connects per request).

Run: `make bench`, or `python -m pytest tests/bench/test_gateway_bench.py -s -q -p no:django`.
Uses wrk when installed (`apt-get install wrk`), else a small asyncio load generator.
Prints figures; asserts only that every answer was a 200.
"""

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.gateway.processes import (
    BIN,
    PYTHON,
    demo_client,
    free_port,
    prepare_authorizations_database,
    start,
    stop,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKER_CLASSES = os.environ.get("BENCH_WORKER_CLASSES", "gthread").split(",")
WRK = shutil.which("wrk")


def parse_duration(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(url: str, connections: int, seconds: int, headers: dict) -> dict:
    cmd = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "Non-2xx" not in out, out
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": parse_duration(percentiles["50"]), "p99": parse_duration(percentiles["99"])}


async def _load(url: str, connections: int, seconds: float, headers: dict) -> dict:
    """A keep-alive HTTP/1.1 client per connection, sending the same request back to back."""
    parts = httpx.URL(url)
    request = (f"GET {parts.raw_path.decode()} HTTP/1.1\r\nHost: {parts.host}:{parts.port}\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def connection():
        reader = writer = None
        while time.perf_counter() < deadline:
            if writer is None:
                reader, writer = await asyncio.open_connection(parts.host, parts.port)
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if re.search(rb"(?i)connection:\s*close", head):
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99)]}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and their children so far (Linux /proc)."""
    total = 0.0
    for pid in pids:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        total += cpu_seconds([int(child) for child in children])
    return total


def measure(url: str, connections: int, seconds: int, headers: dict, watch: dict[str, list[int]]) -> dict:
    """Load one URL; also the CPU microseconds per request each watched process group used."""
    before = {name: cpu_seconds(pids) for name, pids in watch.items()}
    if WRK:
        result = run_wrk(url, connections, seconds, headers)
    else:
        result = asyncio.run(_load(url, connections, seconds, headers))
    requests = result["rps"] * seconds
    for name, pids in watch.items():
        result[f"cpu_{name}"] = (cpu_seconds(pids) - before[name]) / requests * 1e6
    return result


@pytest.fixture(scope="module")
def component(tmp_path_factory):
    env = prepare_authorizations_database()
    demo = demo_client(env)
    return env, demo, tmp_path_factory.mktemp("gateway-bench")


@pytest.mark.parametrize("worker_class", WORKER_CLASSES)
def test_gateway_overhead(component, worker_class):
    env, demo, tmp = component
    processes = []
    try:
        upstream_port = free_port()
        direct = f"http://127.0.0.1:{upstream_port}"
        gunicorn = [str(BIN / "gunicorn"), "components.authorizations.wsgi:application",
                    "--bind", f"127.0.0.1:{upstream_port}", "--workers", "2", "--log-level", "warning"]
        if worker_class == "gthread":
            gunicorn += ["--worker-class", "gthread", "--threads", "4", "--keep-alive", "75"]
        processes.append(start(gunicorn, env, tmp / f"authorizations-{worker_class}.log", f"{direct}/_health/live"))

        routes = {
            "components": {"authorizations": {"url": direct}},
            "apis": [
                {"id": "health", "title": "Health", "prefix": "/_health/", "component": "authorizations",
                 "public": ["/_health/"]},
                {"id": "autorisaties", "title": "Autorisaties API", "prefix": "/autorisaties/",
                 "component": "authorizations"},
            ],
            # A limit the bench stays under: the rate-limit path runs, nothing is refused.
            "rate_limits": {"window_seconds": 60, "default": 100_000_000},
        }
        routes_file = tmp / "routes.yaml"
        routes_file.write_text(yaml.safe_dump(routes))
        gateway_env = {**env, "GATEWAY_ROUTES": str(routes_file), "AUTHORIZATIONS_URL": direct}
        gateway_port = free_port()
        through = f"http://127.0.0.1:{gateway_port}"
        processes.append(start([PYTHON, "-m", "gateway", "--port", str(gateway_port)], gateway_env,
                               tmp / f"gateway-{worker_class}.log", f"{through}/_health/live"))

        watch = {"component": [processes[0].pid], "gateway": [processes[1].pid]}
        headers = {"Authorization": f"Bearer {demo.token()}"}
        applicaties = httpx.get(f"{through}/autorisaties/api/v1/applicaties", headers=headers).json()["results"]
        detail_path = httpx.URL(applicaties[0]["url"]).raw_path.decode()
        requests = {"/_health/live": ("/_health/live", {}), "applicatie detail": (detail_path, headers)}

        results: dict[tuple[str, str, str], list[dict]] = {}
        for _ in range(ROUNDS):
            for name, (path, request_headers) in requests.items():
                # Interleaved, so drift in the machine's load hits both sides alike.
                for phase, connections in (("latency", 1), ("throughput", CONNECTIONS)):
                    for side, base in (("direct", direct), ("gateway", through)):
                        results.setdefault((name, phase, side), []).append(
                            measure(base + path, connections, SECONDS, request_headers, watch))

        def median(name, phase, side, key):
            return statistics.median(r[key] for r in results[(name, phase, side)])

        load = os.getloadavg()[0]
        threads = " x8 threads" if worker_class == "gthread" else ""
        print(f"\n\ngateway bench: gunicorn 2 workers ({worker_class}{threads}), {os.cpu_count()} cores, "
              f"load {load:.2f}, {ROUNDS} rounds x {SECONDS}s, {'wrk' if WRK else 'asyncio client'}, medians")
        print(f"{'request':<20} {'direct p50/p99 ms':>18} {'gateway p50/p99 ms':>19} {'added p50/p99 ms':>17} "
              f"{'direct rps':>11} {'gateway rps':>12} {'ratio':>6}  CPU us/request: component direct/via, gateway")
        for name in requests:
            d50, d99 = median(name, "latency", "direct", "p50"), median(name, "latency", "direct", "p99")
            g50, g99 = median(name, "latency", "gateway", "p50"), median(name, "latency", "gateway", "p99")
            drps = median(name, "throughput", "direct", "rps")
            grps = median(name, "throughput", "gateway", "rps")
            print(f"{name:<20} {d50:>8.3f}/{d99:<9.3f} {g50:>8.3f}/{g99:<10.3f} {g50 - d50:>7.3f}/{g99 - d99:<9.3f} "
                  f"{drps:>11.0f} {grps:>12.0f} {grps / drps:>6.0%}  "
                  f"{median(name, 'throughput', 'direct', 'cpu_component'):>6.0f}/"
                  f"{median(name, 'throughput', 'gateway', 'cpu_component'):<6.0f} "
                  f"{median(name, 'throughput', 'gateway', 'cpu_gateway'):>6.0f}")
    finally:
        for process in reversed(processes):
            stop(process)


if __name__ == "__main__":
    raise SystemExit(pytest.main([str(Path(__file__)), "-s", "-q", "-p", "no:django"]))
