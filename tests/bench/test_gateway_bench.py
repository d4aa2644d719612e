"""Benchmark: the same request direct to the authorizations component and through the gateway, in
one run, on this machine: the gateway's added latency (p50/p99 over one connection) and its
throughput as a share of direct (over BENCH_CONNECTIONS connections, everything sharing the cores),
with the CPU each process spent per request.

The component runs as `make up` runs it (`devstack.up.component_server`): gunicorn, 2 workers
(`WEB_CONCURRENCY`), gthread with 4 threads (`WEB_THREADS`), keep-alive 75 s (so the gateway's
upstream connections are reused), a listening socket per worker (`--reuse-port`, so wrk's
connections are spread over both workers: on a shared socket they often all went to one, which
halved the direct figure in some rounds and made the ratio look better than it is); its CPU
includes its PostgreSQL backends.
The gateway runs as `make up` runs it: `python -m gateway --workers 2` (its own HTTP server on
uvloop, two processes). `BENCH_GATEWAYS` lists what is measured side by side: `native-2`
(that), `native` (one process), `uvicorn` (the same app under uvicorn: `--server uvicorn`),
`uvicorn-2`, `native-3`, ..., and `relay-2`: a bare TCP relay in Python (tests/bench/tcp_relay.py),
the yardstick for what any user-space Python proxy costs here at the least.

Two requests: `GET /_health/live` (no database; routed through a bench-only `/_health/` entry,
so only proxying is measured) and `GET /autorisaties/api/v1/applicaties/{uuid}` with a token
(the gateway's token check from its local cache, and a rate limit with leases).

Fairness: direct and gateway get the same request, connections and duration; every round
measures each side once, in turn, so drift in the machine's load hits all alike; each side is
warmed up first; figures are medians over BENCH_ROUNDS rounds. On a machine other work is
loading, the requests/s figures (and so the ratio) move with that load; the CPU microseconds
per request move much less, so the table also gives the ratio those predict for a machine where
CPU is the only limit: (component + client, direct) / (component + gateway + client, through).
The load average is printed before and after, and each run notes how many cores other
work kept busy meanwhile (from /proc/stat): the "quiet" columns use only runs where that
stayed under QUIET_CORES.

Run: `make bench`, or `.venv/bin/python -m devstack with-services -- .venv/bin/python -m pytest
tests/bench/test_gateway_bench.py -s -q -p no:django -p no:cacheprovider`.
Uses wrk when installed (`apt-get install wrk`), else a small asyncio load generator.
Prints figures; asserts only that every answer was a 200 and no connection broke.
"""

import asyncio
import os
import re
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import httpx
import psycopg
import pytest
import yaml

from devstack.up import component_server
from tests.gateway.processes import (
    PYTHON,
    TEST_DATABASE,
    authorizations_test_database_url,
    demo_client,
    free_port,
    prepare_authorizations_database,
    start,
    stop,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
WARMUP_SECONDS = 1
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
GATEWAYS = os.environ.get("BENCH_GATEWAYS", "native-2,relay-2").split(",")
WRK = shutil.which("wrk")
QUIET_CORES = 0.15  # other work on the machine below which a run counts as quiet


def parse_duration(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(url: str, connections: int, seconds: int, headers: dict) -> dict:
    cmd = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "Non-2xx" not in out, out
    assert "Socket errors" not in out, out
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "p50": parse_duration(percentiles["50"]), "p99": parse_duration(percentiles["99"]),
            "client_cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}


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

    began, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "requests": len(latencies), "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99)], "client_cpu": time.process_time() - cpu}


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


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent on anything but idling, all cores together (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def measure(url: str, connections: int, seconds: int, headers: dict, watch: dict[str, list[int]]) -> dict:
    """Load one URL; also the CPU microseconds per request each watched process group used, and
    how many cores other work on the machine kept busy meanwhile (`foreign`)."""
    before = {name: cpu_seconds(pids) for name, pids in watch.items()}
    busy, began = machine_busy_seconds(), time.monotonic()
    if WRK:
        result = run_wrk(url, connections, seconds, headers)
    else:
        result = asyncio.run(_load(url, connections, seconds, headers))
    ours = result["client_cpu"]
    requests = max(result["requests"], 1)
    for name, pids in watch.items():
        used = cpu_seconds(pids) - before[name]
        ours += used
        result[f"cpu_{name}"] = used / requests * 1e6
    result["cpu_client"] = result["client_cpu"] / requests * 1e6
    result["foreign"] = max(0.0, machine_busy_seconds() - busy - ours) / (time.monotonic() - began)
    return result


def option(argv: list[str], name: str) -> str:
    """The value given for `name` on a command line."""
    return argv[argv.index(name) + 1]


def gateway_command(variant: str, port: int, upstream_port: int) -> list[str]:
    server, _, workers = variant.partition("-")
    assert server in ("native", "uvicorn", "relay"), f"unknown gateway {variant!r} in BENCH_GATEWAYS"
    if server == "relay":  # the yardstick: a bare TCP relay (tests/bench/tcp_relay.py)
        return [PYTHON, "-m", "tests.bench.tcp_relay", str(port), str(upstream_port), workers or "1"]
    return [PYTHON, "-m", "gateway", "--port", str(port), "--server", server, "--workers", workers or "1"]


@pytest.fixture(scope="module")
def component(tmp_path_factory):
    env = prepare_authorizations_database()
    demo = demo_client(env)
    return env, demo, tmp_path_factory.mktemp("gateway-bench")


def test_gateway_overhead(component):
    env, demo, tmp = component
    load_before = os.getloadavg()
    processes = []
    try:
        upstream_port = free_port()
        direct = f"http://127.0.0.1:{upstream_port}"
        server = component_server("authorizations", upstream_port)
        processes.append(start(server, env, tmp / "authorizations.log", f"{direct}/_health/live"))
        watch = {"component": [processes[0].pid]}

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
        targets = {"direct": direct}
        for variant in GATEWAYS:
            port = free_port()
            targets[variant] = f"http://127.0.0.1:{port}"
            processes.append(start(gateway_command(variant, port, upstream_port), gateway_env,
                                   tmp / f"gateway-{variant}.log",
                                   f"{targets[variant]}/_health/live"))
            watch[variant] = [processes[-1].pid]

        headers = {"Authorization": f"Bearer {demo.token()}"}
        through = targets[GATEWAYS[0]]
        applicaties = httpx.get(f"{through}/autorisaties/api/v1/applicaties", headers=headers).json()["results"]
        detail_path = httpx.URL(applicaties[0]["url"]).raw_path.decode()
        requests = {"/_health/live": ("/_health/live", {}), "applicatie detail": (detail_path, headers)}

        for path, request_headers in requests.values():
            for base in targets.values():
                measure(base + path, CONNECTIONS, WARMUP_SECONDS, request_headers, watch)
        # The component's PostgreSQL backends (kept open: CONN_MAX_AGE) count as the component.
        with psycopg.connect(authorizations_test_database_url()) as conn:
            watch["component"] += [row[0] for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [TEST_DATABASE])]

        results: dict[tuple[str, str, str], list[dict]] = {}
        for _ in range(ROUNDS):
            for name, (path, request_headers) in requests.items():
                for phase, connections in (("latency", 1), ("throughput", CONNECTIONS)):
                    for side, base in targets.items():
                        results.setdefault((name, phase, side), []).append(
                            measure(base + path, connections, SECONDS, request_headers, watch))
        load_after = os.getloadavg()

        def median(name, phase, side, key, quiet=False):
            runs = results[(name, phase, side)]
            if quiet:
                runs = [r for r in runs if r["foreign"] < QUIET_CORES]
                if len(runs) < 2:
                    return None
            return statistics.median(r[key] for r in runs)

        print(f"\n\ngateway bench: component gunicorn {option(server, '--workers')} workers x "
              f"{option(server, '--threads')} gthreads "
              f"(keep-alive), gateways {', '.join(GATEWAYS)}; {os.cpu_count()} cores; {ROUNDS} rounds x {SECONDS}s "
              f"per figure, {CONNECTIONS} connections, {'wrk' if WRK else 'asyncio client'}, medians")
        print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} "
              f"{load_after[1]:.2f} (1 and 5 min); other work on the machine during the throughput runs: median "
              f"{statistics.median(r['foreign'] for k, v in results.items() if k[1] == 'throughput' for r in v):.2f} "
              f"cores; 'quiet' figures are medians over the runs with less than {QUIET_CORES} cores of it")
        print(f"{'request':<18} {'via':<9} {'p50/p99 ms':>13} {'added p50/p99':>14} {'rps':>6} {'ratio':>6} "
              f"{'quiet rps':>9} {'ratio':>6} {'(runs)':>6}  {'CPU us/request: component gateway client':>40} "
              f"{'CPU ratio':>9}")
        for name in requests:
            d50, d99 = median(name, "latency", "direct", "p50"), median(name, "latency", "direct", "p99")
            drps = median(name, "throughput", "direct", "rps")
            dquiet = median(name, "throughput", "direct", "rps", quiet=True)
            dcpu = (median(name, "throughput", "direct", "cpu_component")
                    + median(name, "throughput", "direct", "cpu_client"))
            for side in targets:
                p50, p99 = median(name, "latency", side, "p50"), median(name, "latency", side, "p99")
                rps = median(name, "throughput", side, "rps")
                quiet = median(name, "throughput", side, "rps", quiet=True)
                quiet_runs = sum(r["foreign"] < QUIET_CORES for r in results[(name, "throughput", side)])
                component_cpu = median(name, "throughput", side, "cpu_component")
                gateway_cpu = median(name, "throughput", side, f"cpu_{side}") if side != "direct" else 0.0
                client_cpu = median(name, "throughput", side, "cpu_client")
                added = f"{p50 - d50:.3f}/{p99 - d99:.3f}" if side != "direct" else "-"
                quiet_text = (f"{quiet:>9.0f} {quiet / dquiet:>6.0%}" if quiet is not None and dquiet is not None
                              else f"{'-':>9} {'-':>6}")
                print(f"{name:<18} {side:<9} {p50:>5.2f}/{p99:<7.2f} {added:>14} {rps:>6.0f} {rps / drps:>6.0%} "
                      f"{quiet_text} {quiet_runs:>3}/{ROUNDS:<2}  {component_cpu:>21.0f} {gateway_cpu:>8.0f} "
                      f"{client_cpu:>6.0f}   {dcpu / (component_cpu + gateway_cpu + client_cpu):>9.0%}")
    finally:
        for process in reversed(processes):
            stop(process)


if __name__ == "__main__":
    raise SystemExit(pytest.main([str(Path(__file__)), "-s", "-q", "-p", "no:django"]))
