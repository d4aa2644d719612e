"""The notifications Django app."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "components.notifications"
    label = "notifications"
    verbose_name = "Notificaties"
