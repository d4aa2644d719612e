"""The outbox app: the OutboxMessage table every component has, and its relay (relay.py)."""

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "components.kernel.outbox"
    label = "outbox"
    verbose_name = "Notificatie-outbox"

    def ready(self):
        # The Celery app must exist before a task is sent from a web process (the relay wake-up).
        from components.kernel import celery  # noqa: F401
