"""The Catalogi API as a Django app inside the cases component."""

from django.apps import AppConfig


class CatalogiConfig(AppConfig):
    name = "components.cases.catalogi"
    label = "catalogi"
    verbose_name = "Catalogi"

    def ready(self):
        from .api import schema  # noqa: F401 - registers the contract's field extensions
