"""`make up` smoke test: `python -m devstack up` on free ports and private databases comes up,
every process answers its health checks, the printed demo credentials and curl list the
applicaties, and Ctrl-C (SIGINT) leaves no process and no listener behind."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from components.kernel.env import DEFAULT_DATABASE_URL, redis_url
from devstack.embedded import free_port
from devstack.up import READY_LINE, chosen_components

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_EXISTS = (ROOT / "gateway" / "app.py").is_file()
# Guards against a hung stack, not performance assertions.
START_GUARD, STOP_GUARD = 180, 60

pytestmark = pytest.mark.e2e


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class Stack:
    """`python -m devstack up` as a child, with its output collected line by line."""

    def __init__(self, env: dict[str, str]):
        self.lines: list[str] = []
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devstack", "up"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self.queue.put(line)
        self.queue.put(None)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, guard: float) -> None:
        while True:
            try:
                line = self.queue.get(timeout=guard)
            except queue.Empty:
                pytest.fail(f"no {text!r} within {guard} s:\n{self.output[-6000:]}")
            if line is None:
                pytest.fail(f"`devstack up` ended before {text!r}:\n{self.output[-6000:]}")
            if text in line:
                return

    def children(self) -> dict[str, int]:
        """honcho's 'name started (pid=N)' lines: each child leads its own process group."""
        return {name: int(pid) for name, pid in re.findall(r"\| (\S+) started \(pid=(\d+)\)", self.output)}


@pytest.fixture
def stack_env():
    """Free ports, a database per component that only this test uses, a Redis db of its own."""
    components = chosen_components()
    suffix = uuid.uuid4().hex[:8]
    server = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    databases = {c: urlunsplit(server._replace(path=f"/grondwerk_e2e_{suffix}_{c}")) for c in components}
    var = Path(os.environ.get("TMPDIR", "/tmp")) / f"grondwerk-up-{suffix}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({
        "GRONDWERK_VAR_DIR": str(var),
        "REDIS_URL": urlunsplit(urlsplit(redis_url())._replace(path="/7")),  # its workers' queues stay apart
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "2",
        "GATEWAY_PORT": str(free_port()),
    })
    env.pop("GRONDWERK_SERVICE_SECRET", None)  # `make up` generates one into GRONDWERK_VAR_DIR
    for component, url in databases.items():
        env[f"{component.upper()}_DATABASE_URL"] = url
        env[f"{component.upper()}_PORT"] = str(free_port())
    yield env
    maintenance = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        for url in databases.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')
    subprocess.run(["rm", "-rf", str(var)], check=False)


def test_make_up_serves_every_component_and_ctrl_c_stops_everything(stack_env):
    components = chosen_components()
    ports = {c: int(stack_env[f"{c.upper()}_PORT"]) for c in components}
    if GATEWAY_EXISTS:
        ports["gateway"] = int(stack_env["GATEWAY_PORT"])
    stack = Stack(stack_env)
    try:
        stack.wait_for(READY_LINE, START_GUARD)
        children = stack.children()
        assert set(ports) <= set(children), stack.output

        with httpx.Client(timeout=10) as client:
            for component in components:
                base = f"http://127.0.0.1:{ports[component]}"
                for check in ("live", "ready"):
                    answer = client.get(f"{base}/_health/{check}")
                    assert answer.status_code == 200, (component, check, answer.text)
                    assert answer.json()["status"] == "ok"
            if GATEWAY_EXISTS:
                gateway = f"http://127.0.0.1:{ports['gateway']}"
                assert client.get(f"{gateway}/_health/live").status_code == 200
                # The gateway reaches every component through the <COMPONENT>_URL that `up` set.
                behind = client.get(f"{gateway}/_health", headers={"Accept": "application/json"}).json()
                for component in components:
                    assert behind["components"][component]["status"] == "ok", behind

            # Exactly what the overview tells a developer to paste.
            client_id = re.search(r"^\s+client_id\s+(\S+)$", stack.output, re.MULTILINE).group(1)
            curl = re.search(r'^\s+curl -H "Authorization: Bearer \$\((?P<token>[^)]+)\)" (?P<url>\S+)$',
                             stack.output, re.MULTILINE)
            assert curl, stack.output
            entry = f"http://127.0.0.1:{ports['gateway' if GATEWAY_EXISTS else 'authorizations']}"
            assert curl["url"] == f"{entry}/autorisaties/api/v1/applicaties"
            token = subprocess.run(["sh", "-c", curl["token"]], cwd=ROOT, capture_output=True, text=True,
                                   check=True).stdout.strip()
            listed = client.get(curl["url"], headers={"Authorization": f"Bearer {token}"})
            assert listed.status_code == 200, listed.text
            body = listed.json()
            assert isinstance(body["results"], list)
            assert [client_id] in [applicatie["clientIds"] for applicatie in body["results"]]

        os.kill(stack.process.pid, signal.SIGINT)
        assert stack.process.wait(timeout=STOP_GUARD) == 0, stack.output[-4000:]
    finally:
        if stack.process.poll() is None:  # a failure above: do not leave the stack running
            stack.process.send_signal(signal.SIGINT)
            try:
                stack.process.wait(timeout=STOP_GUARD)
            except subprocess.TimeoutExpired:
                os.killpg(stack.process.pid, signal.SIGKILL)
                stack.process.wait()

    # Nothing is left: not `up` itself and its helpers, not any child's process group, no listener.
    assert not group_alive(stack.process.pid)
    left = {name: pid for name, pid in stack.children().items() if group_alive(pid)}
    members = subprocess.run(["ps", "-o", "pid,pgid,ppid,stat,args", "-g", ",".join(map(str, left.values()))],
                             capture_output=True, text=True).stdout if left else ""
    for pid in left.values():  # clean up before failing, so one bug does not leak into other tests
        os.killpg(pid, signal.SIGKILL)
    assert not left, f"still running after Ctrl-C: {left}\n{members}\n{stack.output[-3000:]}"
    assert not [port for port in ports.values() if listening(port)]
