from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "components.kernel.outbox"
    label = "outbox"
    verbose_name = "Notificatie-outbox"
