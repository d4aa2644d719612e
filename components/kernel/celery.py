"""The Celery application every component's worker runs, configured from that component's settings.

Each component is its own Django project with its own database, so each runs its own worker,
consuming only its own queue (`grondwerk.<component>`, settings `CELERY_TASK_DEFAULT_QUEUE`, which
a worker consumes when given no `-Q`):

    DJANGO_SETTINGS_MODULE=components.<component>.settings \\
        celery -A components.kernel.celery worker --pool threads --concurrency 8

`grondwerk <component> worker` runs exactly that (see `worker_argv`). Tasks are found in each
installed app's `tasks.py`.

The periodic sweeps (settings `WORKER_SWEEPS`: the outbox relay everywhere, deliveries in
notifications) run in a thread of the worker process itself, not in Celery beat: they need no
broker (so they keep the database side moving while Redis is down), and they die with the worker
(an embedded beat is a child process that a killed worker leaves behind). Several workers of one
component may all sweep: every sweep claims its rows with `SKIP LOCKED`.
"""

import logging
import os
import sys
import threading
import time

from celery import Celery, bootsteps
from celery.signals import task_postrun, task_prerun

logger = logging.getLogger(__name__)


@task_prerun.connect
@task_postrun.connect
def _database_connections_as_in_a_request(**kwargs):
    """Around each task what Django does around each request: drop a connection that is broken
    or older than CONN_MAX_AGE, and health-check the one kept (CELERY_DB_REUSE_MAX keeps Celery
    from closing it after every task)."""
    from django.db import close_old_connections

    close_old_connections()


class Sweeper(bootsteps.StartStopStep):
    """Calls each function of `WORKER_SWEEPS` every so many seconds, in one thread of the worker."""

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.stopping = threading.Event()
        self.thread = None

    def start(self, worker):
        from django.conf import settings
        from django.utils.module_loading import import_string

        sweeps = [(name, import_string(path), float(seconds))
                  for name, (path, seconds) in getattr(settings, "WORKER_SWEEPS", {}).items()
                  if float(seconds) > 0]
        if sweeps and os.environ.get("GRONDWERK_SWEEPS", "1") != "0":
            self.thread = threading.Thread(target=self._run, args=(sweeps,), name="sweeper", daemon=True)
            self.thread.start()

    def stop(self, worker):
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(10)

    def _run(self, sweeps):
        from django.db import close_old_connections

        due = {name: time.monotonic() for name, _, _ in sweeps}
        while not self.stopping.is_set():
            for name, function, seconds in sweeps:
                if time.monotonic() < due[name]:
                    continue
                due[name] = time.monotonic() + seconds
                try:
                    close_old_connections()
                    function()
                except Exception:
                    # Database or broker away: the next round tries again.
                    logger.exception("sweep %s failed", name)
            self.stopping.wait(max(0.0, min(due.values()) - time.monotonic()))
        close_old_connections()


def make_app(settings_module: str | None = None) -> Celery:
    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise RuntimeError("set DJANGO_SETTINGS_MODULE=components.<component>.settings to run a worker")
    app = Celery("grondwerk")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks()
    app.steps["worker"].add(Sweeper)
    return app


def worker_argv(component: str, *, concurrency: int = 8) -> list[str]:
    """The command line of a component's worker (what `make up` and `grondwerk <c> worker` run)."""
    return [sys.executable, "-m", "celery", "-A", "components.kernel.celery", "worker",
            "-n", f"{component}@%h", "--pool", "threads", "--concurrency", str(concurrency),
            "--loglevel", "INFO", "--without-gossip", "--without-mingle"]


app = make_app()
