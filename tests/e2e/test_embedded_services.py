"""The embedded default: with nothing at DATABASE_URL / REDIS_URL, `with-services` starts private
PostgreSQL and Redis servers under GRONDWERK_VAR_DIR, the command reaches them, and they are gone
when the command ends — or it fails fast, naming the service, when none can be started."""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from devstack.embedded import free_port, postgres_bindirs, redis_servers

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e

# Run inside `with-services`: prove both servers answer, and report what the test checks afterwards.
PROBE = textwrap.dedent("""
    import json, os, pathlib, psycopg, redis
    var = pathlib.Path(os.environ["GRONDWERK_VAR_DIR"])
    with psycopg.connect(os.environ["DATABASE_URL"] + "/grondwerk_authorizations") as conn:
        selected = conn.execute("SELECT 1").fetchone()[0]
    print(json.dumps({
        "database_url": os.environ["DATABASE_URL"],
        "redis_url": os.environ["REDIS_URL"],
        "selected": selected,
        "pong": redis.Redis.from_url(os.environ["REDIS_URL"]).ping(),
        "postgres_pid": int((var / "postgres/data/postmaster.pid").read_text().split()[0]),
        "redis_pid": json.loads((var / "redis/server.json").read_text())["pid"],
    }))
""")


@pytest.fixture
def var_dir():
    # Not pytest's tmp_path: PostgreSQL runs as `postgres` when we are root, and must enter it.
    path = Path(tempfile.mkdtemp(prefix="grondwerk-embedded-"))
    path.chmod(0o755)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def closed_port() -> int:
    return free_port()  # bound and released at once: nothing listens there


def with_services(env_overrides: dict[str, str], *command: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_overrides}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "devstack", "with-services", "--", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _binaries():
    """One case per kind of binary this machine has: the wheels, and the OS packages."""
    postgres = {origin: path for path, _, origin in postgres_bindirs()}
    redis_found = {origin: path for path, origin in redis_servers()}
    wheel_pg = next((p for o, p in postgres.items() if "wheel" in o), None)
    os_pg = next((p for o, p in postgres.items() if "wheel" not in o), None)
    wheel_redis = next((p for o, p in redis_found.items() if "wheel" in o), None)
    os_redis = next((p for o, p in redis_found.items() if "wheel" not in o), None)
    return [
        pytest.param(wheel_pg, os_redis, id="wheel-postgres+os-redis",
                     marks=pytest.mark.skipif(not (wheel_pg and os_redis), reason="binaries not installed")),
        pytest.param(os_pg, wheel_redis, id="os-postgres+wheel-redis",
                     marks=pytest.mark.skipif(not (os_pg and wheel_redis), reason="binaries not installed")),
    ]


@pytest.mark.parametrize(("postgres_bindir", "redis_server"), _binaries())
def test_private_servers_start_serve_and_stop_with_the_command(var_dir, postgres_bindir, redis_server):
    result = with_services({
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
        "GRONDWERK_VAR_DIR": str(var_dir),
        "GRONDWERK_POSTGRES_BINDIR": str(postgres_bindir),
        "GRONDWERK_REDIS_SERVER": str(redis_server),
    }, sys.executable, "-c", PROBE)
    assert result.returncode == 0, result.stderr

    said = re.findall(r"^(PostgreSQL|Redis) not found at \S+: started a private one under (\S+) on port (\d+)",
                      result.stderr, re.MULTILINE)
    assert [(kind, Path(where).name) for kind, where, _ in said] == [("PostgreSQL", "postgres"), ("Redis", "redis")]
    probe = json.loads(result.stdout)
    postgres_port, redis_port = (int(port) for _, _, port in said)
    assert probe["database_url"] == f"postgres://postgres@127.0.0.1:{postgres_port}"
    assert probe["redis_url"] == f"redis://127.0.0.1:{redis_port}/0"
    assert probe["selected"] == 1 and probe["pong"] is True

    # The command has ended: both servers are stopped, nothing listens on their ports.
    assert gone(probe["postgres_pid"]) and gone(probe["redis_pid"])
    assert not accepts(postgres_port) and not accepts(redis_port)
    assert (var_dir / "postgres" / "data" / "PG_VERSION").exists()  # the data stays for the next run


def test_a_second_command_shares_the_private_servers_and_the_last_one_stops_them(var_dir):
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
        "GRONDWERK_VAR_DIR": str(var_dir),
    }
    release = var_dir / "release-first"
    first = subprocess.Popen(
        [sys.executable, "-m", "devstack", "with-services", "--", sys.executable, "-c",
         f"import os, time\nprint(os.environ['DATABASE_URL'], flush=True)\n"
         f"while not os.path.exists({str(release)!r}): time.sleep(0.05)"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_url = first.stdout.readline().strip()
        # The second command finds the first one's servers, and leaves them running when it ends.
        second = with_services(env, sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])")
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == first_url
        assert "PostgreSQL not found at" in second.stderr and "using the private one already running" in second.stderr
        port = int(first_url.rsplit(":", 1)[1])
        assert accepts(port)
    finally:
        release.touch()
        first.communicate(timeout=60)
    assert first.returncode == 0
    assert not accepts(port)


def test_nothing_reachable_and_nothing_to_start_fails_fast_naming_the_service(var_dir):
    url = f"postgres://postgres@127.0.0.1:{closed_port()}"
    result = with_services({"DATABASE_URL": url, "GRONDWERK_VAR_DIR": str(var_dir),
                            "GRONDWERK_POSTGRES_BINDIR": str(var_dir / "no-such-bin")}, "true")
    assert result.returncode != 0
    assert f"PostgreSQL is not reachable at {url}" in result.stderr
    assert "no PostgreSQL 14+ server binaries found" in result.stderr


def test_embedded_default_can_be_switched_off(var_dir):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    result = with_services({"REDIS_URL": url, "GRONDWERK_VAR_DIR": str(var_dir), "GRONDWERK_EMBEDDED": "off"},
                           "true")
    assert result.returncode != 0
    assert f"Redis is not reachable at {url}" in result.stderr
    assert not (var_dir / "redis").exists()
