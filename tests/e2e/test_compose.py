"""docker-compose.yml validates offline (no Docker engine needed) and runs every component with
its worker and a health check behind the gateway; deploy/example.env names the same secrets."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from devstack.services import existing_components

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"

pytestmark = pytest.mark.e2e


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return None


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # PyYAML resolves the anchors and `<<` merges


def test_compose_file_validates_without_a_docker_engine():
    command = compose_command()
    if command is None:
        pytest.skip("neither docker-compose nor `docker compose` is installed: on Debian/Ubuntu "
                    "`apt-get install -y docker-compose` (the CI entry point .ci/run does this); "
                    "it validates the file without a Docker engine")
    result = subprocess.run([*command, "-f", str(COMPOSE), "config", "-q"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


def test_compose_runs_every_component_with_its_worker_and_a_readiness_check(compose):
    services = compose["services"]
    assert {"postgres", "redis", "gateway"} <= set(services)
    for component in existing_components():
        api, worker = services.get(component), services.get(f"{component}-worker")
        assert api and worker, f"docker-compose.yml lacks {component} or {component}-worker"
        assert api["environment"]["GRONDWERK_COMPONENT"] == component
        assert "/_health/ready" in " ".join(api["healthcheck"]["test"])
        assert worker["command"] == ["worker"]
        assert worker["environment"]["GRONDWERK_COMPONENT"] == component
        assert worker["depends_on"][component]["condition"] == "service_healthy"  # migrated first
        assert "inspect ping" in " ".join(worker["healthcheck"]["test"])
        # Every other container reaches this component by its service name.
        assert api["environment"][f"{component.upper()}_URL"] == f"http://{component}:8000"


def test_compose_gateway_waits_for_the_components_and_is_the_public_port(compose):
    services = compose["services"]
    gateway = services["gateway"]
    assert gateway["environment"]["GRONDWERK_COMPONENT"] == "gateway"
    assert "/_health/live" in " ".join(gateway["healthcheck"]["test"])
    apis = {name for name, service in services.items()
            if service.get("environment", {}).get("GRONDWERK_COMPONENT") not in (None, "gateway")
            and "command" not in service}
    assert {name for name, dep in gateway["depends_on"].items() if dep["condition"] == "service_healthy"} == apis
    assert gateway["ports"] == ["${GATEWAY_PORT:-8000}:8000"]
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_compose_and_example_env_name_the_same_secrets(compose):
    example = (ROOT / "deploy" / "example.env").read_text()
    for secret in ("POSTGRES_PASSWORD", "SECRET_KEY", "GRONDWERK_SERVICE_SECRET"):
        assert re.search(rf"^{secret}=", example, re.MULTILINE), secret
        assert f"${{{secret}:-" in COMPOSE.read_text()


