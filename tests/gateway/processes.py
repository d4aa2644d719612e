"""Starting and stopping the real processes the gateway tests and benchmark run against:
servers on free loopback ports, and the authorizations component on a database of its own."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from components.kernel.auth.tokens import sign
from components.kernel.env import DEFAULT_DATABASE_URL, env_str, redis_url

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
TEST_DATABASE = "grondwerk_gw_test_authorizations"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.with_suffix('.err').read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up:\n{log.with_suffix('.err').read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start(cmd: list[str], env: dict, log: Path, health_url: str) -> subprocess.Popen:
    """Start a server; its stdout goes to `log`, its stderr beside it (`.err`)."""
    out, err = open(log, "ab"), open(log.with_suffix(".err"), "ab")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
    out.close()
    err.close()
    wait_until_up(health_url, process, log)
    return process


def authorizations_test_database_url() -> str:
    parts = urlsplit(env_str("DATABASE_URL", DEFAULT_DATABASE_URL))
    return urlunsplit(parts._replace(path=f"/{TEST_DATABASE}"))


def grondwerk(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "grondwerk"), "authorizations", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout


@dataclass
class Client:
    client_id: str
    secret: str

    def token(self) -> str:
        return sign(self.client_id, self.secret, user_id="tester", user_representation="Gateway test")

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token()}"}


def prepare_authorizations_database() -> dict:
    """Environment of the authorizations component, on a database of its own for these tests
    (created if missing, migrated)."""
    database_url = authorizations_test_database_url()
    maintenance = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEST_DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"AUTHORIZATIONS_DATABASE_URL": database_url, "NOTIFICATIONS_DISABLED": "1",
                "PYTHONUNBUFFERED": "1", "REDIS_URL": redis_url()})
    grondwerk(env, "migrate", "-v0")
    return env


def demo_client(env: dict) -> "Client":
    demo = dict(line.split("=", 1) for line in grondwerk(env, "bootstrap", "--print-demo").split())
    return Client(demo["DEMO_CLIENT_ID"], demo["DEMO_SECRET"])


ESTABLISHED, LISTEN = "01", "0A"  # TCP states as /proc/net/tcp writes them


def tcp_sockets(port: int, state: str, peers: set[int] | None = None) -> set[str]:
    """Inodes of the IPv4 TCP sockets in `state` whose local port is `port` (/proc/net/tcp), and
    whose remote port is one of `peers` when given."""
    inodes = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state and (
                peers is None or int(fields[2].split(":")[1], 16) in peers):
            inodes.add(fields[9])
    return inodes


def sockets_of(pid: int) -> set[str]:
    """Inodes of the sockets process `pid` holds open."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return set()
    return {link[len("socket:["):-1] for link in links if link.startswith("socket:[")}


def processes_holding(inodes: set[str]) -> set[int]:
    """The processes that hold any of these sockets open."""
    pids = (int(entry) for entry in os.listdir("/proc") if entry.isdigit())
    return {pid for pid in pids if sockets_of(pid) & inodes}
