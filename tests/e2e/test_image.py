"""The image: the Dockerfile builds a non-root python:3.11-slim image from files that exist, its
entrypoint migrates and serves a real component (and the gateway) until SIGTERM, and the Kubernetes manifests
probe the health endpoints as a non-root user."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
import yaml

from components.kernel.env import DEFAULT_DATABASE_URL
from devstack.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"

pytestmark = pytest.mark.e2e


def test_dockerfile_builds_a_non_root_python_311_slim_image_from_files_that_exist():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.MULTILINE)
    user = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile, re.MULTILINE):
        for source in sources.split():
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_kubernetes_manifests_probe_health_as_non_root():
    documents = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "grondwerk.yaml").read_text()))
    deployments = [d for d in documents if d["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} >= {"authorizations", "authorizations-worker", "gateway"}
    services = {d["metadata"]["name"] for d in documents if d["kind"] == "Service"}
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            if "ports" in container:  # an HTTP process: its Service and its probes
                assert deployment["metadata"]["name"] in services
                assert container["readinessProbe"]["httpGet"]["path"].startswith("/_health/")
            assert container["livenessProbe"]


@pytest.fixture
def own_database():
    """An authorizations database only this test uses, dropped afterwards."""
    server = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    url = urlunsplit(server._replace(path=f"/grondwerk_e2e_{uuid.uuid4().hex[:8]}_authorizations"))
    yield url
    with psycopg.connect(urlunsplit(server._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')


class Entrypoint:
    """deploy/entrypoint.sh run as the image runs it (PID 1 of its own session), with its output kept."""

    def __init__(self, env: dict, *args: str):
        self.log = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen([str(ENTRYPOINT), *args], cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def get(self, url: str) -> httpx.Response | None:
        """`url` once it answers; None when the process ended first."""
        with httpx.Client(timeout=2) as client:
            for _ in range(600):  # a guard against hanging, not a timing assertion
                if self.process.poll() is not None:
                    return None
                try:
                    return client.get(url)
                except httpx.TransportError:
                    time.sleep(0.1)
        return None

    def stop(self) -> int:
        """SIGTERM, what `docker stop` sends to PID 1; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def image_env(**values: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # what the image has on PATH
    env.update(values)
    return env


def test_image_entrypoint_migrates_and_serves_a_component_until_sigterm(own_database):
    port = free_port()
    entrypoint = Entrypoint(image_env(GRONDWERK_COMPONENT="authorizations", GRONDWERK_MIGRATE="true",
                                      PORT=str(port), WEB_CONCURRENCY="1", AUTHORIZATIONS_DATABASE_URL=own_database))
    try:
        ready = entrypoint.get(f"http://127.0.0.1:{port}/_health/ready")
        assert ready is not None and ready.status_code == 200, entrypoint.output()
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
        with psycopg.connect(own_database) as conn:  # GRONDWERK_MIGRATE created and migrated it
            assert conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0
        assert entrypoint.stop() == 0, entrypoint.output()
    finally:
        entrypoint.close()


def test_image_entrypoint_serves_the_gateway_with_its_workers_until_sigterm():
    port = free_port()
    entrypoint = Entrypoint(image_env(GRONDWERK_COMPONENT="gateway", PORT=str(port), GATEWAY_WORKERS="2"))
    try:
        live = entrypoint.get(f"http://127.0.0.1:{port}/_health/live")
        assert live is not None and live.status_code == 200, entrypoint.output()
        portal = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert portal.status_code == 200 and "Autorisaties API" in portal.text
        workers = Path(f"/proc/{entrypoint.process.pid}/task/{entrypoint.process.pid}/children").read_text().split()
        assert len(workers) == 2, entrypoint.output()
        assert entrypoint.stop() == 0, entrypoint.output()
    finally:
        entrypoint.close()


@pytest.mark.parametrize(("component", "command", "message"), [
    ("", "serve", "set GRONDWERK_COMPONENT"),
    ("nonsense", "serve", "set GRONDWERK_COMPONENT"),
    ("gateway", "worker", "the gateway has no 'worker'"),
])
def test_image_entrypoint_refuses_an_unknown_process(component, command, message):
    env = {**os.environ, "GRONDWERK_COMPONENT": component}
    result = subprocess.run([str(ENTRYPOINT), command], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr
