from django.apps import AppConfig


class AuthorizationsConfig(AppConfig):
    name = "components.authorizations"
    label = "authorizations"
    verbose_name = "Autorisaties"

    def ready(self):
        from . import signals  # noqa: F401
