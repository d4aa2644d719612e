"""Post this component's pending outbox rows now (what the Celery relay does), once or in a loop.

For operators and for running without a worker: `grondwerk <component> relay_outbox [--loop]`.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from ...relay import drain


class Command(BaseCommand):
    help = "Post pending outbox rows to the Notificaties API (once, or every OUTBOX_SWEEP_SECONDS with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")

    def handle(self, loop, **options):
        while True:
            result = drain()
            if result.sent or result.refused or result.stopped:
                self.stdout.write(f"sent={result.sent} refused={result.refused} stopped={result.stopped!r}")
            if not loop:
                return
            time.sleep(settings.OUTBOX_SWEEP_SECONDS)
