"""Run this component's Celery worker: `grondwerk <component> worker [--concurrency N]`.

The worker relays the outbox, runs the component's own tasks (in notifications: deliveries) and,
in a thread, the periodic sweeps (see components/kernel/celery.py).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from components.kernel.celery import worker_argv


class Command(BaseCommand):
    help = "Run the Celery worker of this component (with its sweeper thread)."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=int(os.environ.get("CELERY_CONCURRENCY", "8")))

    def handle(self, concurrency, **options):
        argv = worker_argv(settings.GRONDWERK_COMPONENT, concurrency=concurrency)
        os.execv(argv[0], argv)
