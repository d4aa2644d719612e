"""A notification channel a component publishes on, with the kenmerken its messages carry."""

import re
from dataclasses import dataclass

from .services import enqueue_notification


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Kanaal:
    naam: str
    main_resource: str
    kenmerken: tuple[str, ...] = ()
    documentatie_link: str = ""

    def kenmerken_of(self, obj) -> dict:
        """Read each kenmerk (camelCase, as the standard names it) from the main object."""
        values = {}
        for kenmerk in self.kenmerken:
            value = getattr(obj, _snake(kenmerk), "")
            values[kenmerk] = "" if value is None else str(value)
        return values

    def publish(self, *, hoofd_object: str, resource_url: str, actie: str, obj,
                resource: str | None = None, kenmerken_from=None):
        return enqueue_notification(
            kanaal=self.naam,
            hoofd_object=hoofd_object,
            resource=resource or self.main_resource,
            resource_url=resource_url,
            actie=actie,
            kenmerken=self.kenmerken_of(kenmerken_from if kenmerken_from is not None else obj),
        )
