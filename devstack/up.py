"""`make up`: the whole suite on this machine — PostgreSQL and Redis (found or private), databases,
migrations, demo credentials, then every component, a Celery worker per component and the
gateway under honcho until Ctrl-C, which stops them all (and the private servers) cleanly.

Configuration (environment): `<COMPONENT>_PORT` / `GATEWAY_PORT` (defaults in
`components.kernel.env.PORTS`), `WEB_CONCURRENCY` (gunicorn workers per component, default 2),
`WEB_THREADS` (threads per worker, default 4), `WORKER_CONCURRENCY` (Celery threads per worker,
default 8), `GRONDWERK_SERVICE_SECRET` (else generated once into `var/service-secret`),
`UP_COMPONENTS` (comma-separated: start only these components), `UP_READY_TIMEOUT`.
"""

import contextlib
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from honcho.manager import Manager

from components.kernel.env import PORTS, env_float, env_int, env_list

from .embedded import shown, var_dir
from .ensure import ensure_services, release_services
from .services import existing_components

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Where each component's APIs live, for the overview printed once everything is ready.
API_PATHS = {
    "authorizations": ["/autorisaties/api/v1/"],
    "persons": ["/haalcentraal/api/brp/"],
    "cases": ["/zaken/api/v1/", "/catalogi/api/v1/", "/besluiten/api/v1/"],
    "documents": ["/documenten/api/v1/"],
    "notifications": ["/notificaties/api/v1/"],
}
# Started only when they exist: other parts of the suite may not be written yet.
CELERY_APP = ("components/kernel/celery.py", "components.kernel.celery")  # one worker per component
GATEWAY_APP = ("gateway/app.py", "gateway.app:app")
READY_LINE = "Grondwerk is up"


@dataclass
class Proc:
    name: str
    command: list[str]
    port: int | None = None
    health: str = "/_health/ready"  # the path that answers 200 once this process can serve
    env: dict[str, str] = field(default_factory=dict)  # on top of the stack's environment

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def service_secret() -> str:
    """`GRONDWERK_SERVICE_SECRET`, else the one generated into var/service-secret on the first run."""
    if os.environ.get("GRONDWERK_SERVICE_SECRET"):
        return os.environ["GRONDWERK_SERVICE_SECRET"]
    path = var_dir() / "service-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def worker_command(component: str) -> list[str]:
    """The component's Celery worker, as `components.kernel.celery` says (its periodic sweeps run
    in a thread inside the worker: there is no separate beat process to outlive it)."""
    # That module builds its Celery app at import, which needs some component's settings named.
    saved = os.environ.get("DJANGO_SETTINGS_MODULE")
    os.environ["DJANGO_SETTINGS_MODULE"] = f"components.{component}.settings"
    try:
        from components.kernel.celery import worker_argv
    finally:
        if saved is None:
            os.environ.pop("DJANGO_SETTINGS_MODULE")
        else:
            os.environ["DJANGO_SETTINGS_MODULE"] = saved
    argv = worker_argv(component, concurrency=env_int("WORKER_CONCURRENCY", 8))
    return [str(BIN / argv[0]), *argv[1:]]


def component_server(component: str, port: int, *, workers: int | None = None,
                     threads: int | None = None) -> list[str]:
    """The command a component's API is served with: by `make up`, and by the gateway's tests and
    benchmark, which measure it as it runs here."""
    workers = workers or env_int("WEB_CONCURRENCY", 2)
    threads = threads or env_int("WEB_THREADS", 4)
    return [
        # gthread keeps connections alive, so the gateway's upstream pool is reused.
        # --reuse-port: each worker listens on a socket of its own and the kernel spreads new
        # connections over them; on one shared socket a burst of connections often all went to
        # one worker, which then served alone at half the machine (see docs/gateway.md).
        str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "75", "--reuse-port",
        "--graceful-timeout", "3", "--timeout", "60", "--log-level", "warning", "--no-control-socket",
        f"components.{component}.wsgi:application",
    ]


def plan(components: list[str]) -> list[Proc]:
    """Every process of the stack, with its port from `<NAME>_PORT` or the conventional one."""
    procs = []
    for component in components:
        port = env_int(f"{component.upper()}_PORT", PORTS[component])
        procs.append(Proc(component, component_server(component, port), port))
    if (ROOT / CELERY_APP[0]).is_file():
        for component in components:
            procs.append(Proc(f"worker-{component}", worker_command(component), env={
                "DJANGO_SETTINGS_MODULE": f"components.{component}.settings"}))
    if (ROOT / GATEWAY_APP[0]).is_file():
        port = env_int("GATEWAY_PORT", PORTS["gateway"])
        procs.append(Proc("gateway", [sys.executable, "-m", "gateway", "--host", "127.0.0.1", "--port", str(port),
                                      "--workers", "2"], port, health="/_health/live"))
    return procs


def child_environment(procs: list[Proc], secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # each process picks its own component's settings
    env["GRONDWERK_SERVICE_SECRET"] = secret
    env["PYTHONUNBUFFERED"] = "1"
    for proc in procs:
        if proc.port is not None:
            # Service-to-service calls (and the gateway's upstreams) follow the ports chosen here.
            env[f"{proc.name.upper()}_URL"] = proc.url
    # The gateway routes, lists and health-checks only the components that run.
    env["GATEWAY_COMPONENTS"] = ",".join(p.name for p in procs if p.port is not None and p.name != "gateway")
    return env


def migrate(components: list[str], env: dict[str, str]) -> None:
    """Migrate every component, concurrently; on failure show that component's output and stop."""
    started = time.monotonic()
    print(f"migrating {', '.join(components)}", flush=True)
    running = {c: subprocess.Popen([str(BIN / "grondwerk"), c, "migrate", "--noinput"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for c in components}
    failed = []
    for component, process in running.items():
        output, _ = process.communicate()
        if process.returncode:
            failed.append(component)
            print(f"--- migrate {component} failed:\n{output}", file=sys.stderr)
    if failed:
        sys.exit(f"migrations failed for {', '.join(failed)}")
    print(f"migrated in {time.monotonic() - started:.1f} s", flush=True)


def demo_credentials(env: dict[str, str]) -> tuple[str, str]:
    """Ensure the service and demo clients exist; return the demo client id and secret."""
    result = subprocess.run([str(BIN / "grondwerk"), "authorizations", "bootstrap", "--print-demo"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    values = dict(re.findall(r"^(DEMO_CLIENT_ID|DEMO_SECRET)=(.*)$", result.stdout, re.MULTILINE))
    if result.returncode or len(values) != 2:
        sys.exit(f"grondwerk authorizations bootstrap failed:\n{result.stderr or result.stdout}")
    return values["DEMO_CLIENT_ID"], values["DEMO_SECRET"]


def write_procfile(procs: list[Proc]) -> Path:
    """var/Procfile: what runs, for reading (the environment above is set by `make up` itself)."""
    path = var_dir() / "Procfile"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Written by `make up` (devstack/up.py): the processes it runs under honcho."]
    lines += [f"{proc.name}: {' '.join(f'{k}={v}' for k, v in proc.env.items())}{' ' if proc.env else ''}"
              f"exec {shlex.join(proc.command)}" for proc in procs]
    path.write_text("\n".join(lines) + "\n")
    return path


def overview(procs: list[Proc], client_id: str, secret: str, answers) -> str:
    """What a developer needs: the URLs that answer (`answers(url)`), the demo client, a curl."""
    web = {proc.name: proc for proc in procs if proc.port is not None}
    width = max(len(proc.name) for proc in procs)
    lines = ["", f"{READY_LINE} (Ctrl-C stops everything)"]
    for proc in procs:
        if proc.name == "gateway":
            lines.append(f"  {proc.name:<{width}}  {proc.url}/  (portal; one entry point for every API)")
        elif proc.port is not None:
            # A component may not serve all its APIs yet: list those whose contract answers.
            apis = [path for path in API_PATHS.get(proc.name, []) if answers(f"{proc.url}{path}schema/openapi.yaml")]
            extras = [f"docs: {path}schema/" for path in apis[:1]]
            if answers(f"{proc.url}/admin/"):
                extras.append("admin: /admin/")
            urls = "  ".join(proc.url + path for path in apis) or f"{proc.url}/"
            lines.append(f"  {proc.name:<{width}}  {urls}" + (f"  ({', '.join(extras)})" if extras else ""))
        else:
            lines.append(f"  {proc.name:<{width}}  celery worker for {proc.name.removeprefix('worker-')}")
    entry = web["gateway"].url if "gateway" in web else web["authorizations"].url
    grondwerk = shown(BIN / "grondwerk")
    lines += [
        "Demo client with all rights (development only):",
        f"  client_id  {client_id}",
        f"  secret     {secret}",
        "List the applicaties with a freshly signed token:",
        f'  curl -H "Authorization: Bearer $({grondwerk} token {shlex.quote(client_id)} {shlex.quote(secret)})" '
        f"{entry}/autorisaties/api/v1/applicaties",
        "",
    ]
    return "\n".join(lines) + "\n"


def register_kanalen(procs: list[Proc], env: dict) -> None:
    """Once the Notificaties API answers, every component registers its kanalen there (idempotent),
    and the token caches subscribe to `autorisaties`."""
    if not any(proc.name == "notifications" for proc in procs):
        return
    for proc in procs:
        if proc.port is None or proc.name == "gateway":
            continue
        result = subprocess.run([str(BIN / "grondwerk"), proc.name, "register_kanalen", "--wait", "30"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            sys.stdout.write(f"{proc.name}: registering kanalen failed: {(result.stderr or result.stdout)[-500:]}\n")


def announce_when_ready(procs: list[Proc], client_id: str, secret: str, stopping: threading.Event,
                        env: dict | None = None) -> None:
    """Print the overview once every web process answers its health check (or say which does not)."""
    timeout = env_float("UP_READY_TIMEOUT", 120)
    deadline = time.monotonic() + timeout
    waiting = [proc for proc in procs if proc.port is not None]
    with httpx.Client(timeout=2) as client:

        def answers(url: str) -> bool:
            try:
                return client.get(url, follow_redirects=False).status_code < 400
            except httpx.HTTPError:
                return False

        while waiting and not stopping.is_set():
            waiting = [proc for proc in waiting if not answers(proc.url + proc.health)]
            if waiting and time.monotonic() > deadline:
                names = ", ".join(f"{p.name} ({p.url}{p.health})" for p in waiting)
                sys.stdout.write(f"not ready after {timeout:.0f} s: {names}; see their lines above\n")
                sys.stdout.flush()
                return
            if waiting:
                stopping.wait(0.2)
        if not stopping.is_set():
            if env is not None:
                register_kanalen(procs, env)
            sys.stdout.write(overview(procs, client_id, secret, answers))
            sys.stdout.flush()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_process_groups(pgids: list[int], grace: float = 5.0) -> None:
    """honcho waits for the processes it started, not for their own children (a Celery worker's
    embedded beat may still be exiting): wait for every child's process group to empty,
    then terminate, then kill what is left, so nothing outlives `make up`."""
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        alive = [pgid for pgid in pgids if _group_alive(pgid)]
        if sig is not None:
            for pgid in alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, sig)
        deadline = time.monotonic() + grace
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [pgid for pgid in alive if _group_alive(pgid)]
        if not alive:
            return


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    if argv:
        print(__doc__)
        return 2
    sys.stdout.reconfigure(line_buffering=True)
    # Until honcho takes over the signals, SIGTERM and Ctrl-C unwind through `finally`.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _up()
    except KeyboardInterrupt:
        return 130
    finally:
        release_services()


def chosen_components() -> list[str]:
    """Every component that exists, or the ones named in `UP_COMPONENTS` (authorizations always:
    it is the token authority every other component asks)."""
    existing = existing_components()
    wanted = env_list("UP_COMPONENTS")
    if not wanted:
        return existing
    unknown = sorted(set(wanted) - set(existing))
    if unknown:
        sys.exit(f"UP_COMPONENTS names {', '.join(unknown)}; existing components: {', '.join(existing)}")
    return [c for c in existing if c in wanted or c == "authorizations"]


def _up() -> int:
    components = chosen_components()
    procs = plan(components)
    busy = [proc for proc in procs if proc.port is not None and not _port_free(proc.port)]
    if busy:
        sys.exit("\n".join(f"port {p.port} ({p.name}) is in use: stop what listens there or set "
                           f"{p.name.upper()}_PORT" for p in busy))
    ensure_services()
    env = child_environment(procs, service_secret())
    migrate(components, env)
    client_id, secret = demo_credentials(env)
    write_procfile(procs)

    manager = Manager()
    for proc in procs:
        manager.add_process(proc.name, f"exec {shlex.join(proc.command)}", env={**env, **proc.env}, cwd=str(ROOT))
    stopping = threading.Event()
    threading.Thread(target=announce_when_ready, args=(procs, client_id, secret, stopping, env),
                     daemon=True).start()
    try:
        manager.loop()
    finally:
        stopping.set()
        # honcho (pinned) records each child's pid in `_processes`; each child leads its own group.
        stop_process_groups([p["pid"] for p in manager._processes.values() if p.get("pid")])
    # 130/143: stopped by Ctrl-C or SIGTERM, as asked; anything else: a process ended on its own.
    code = manager.returncode
    return 0 if code in (130, 143) else (code or 1)
