"""Register this component's kanalen (with their filters) at the Notificaties API, idempotently;
where the component serves the autorisaties webhook, also subscribe it to `autorisaties`.

`make up` runs it for every component once the Notificaties API is up. With `--wait N` it keeps
trying for N seconds while the Notificaties API is not reachable yet.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from components.kernel.auth.tokens import sign
from components.kernel.env import PORTS, component_url

from ...client import NotificationsUnavailable, ensure_abonnement, ensure_kanaal, register_kanalen
from ...kanalen import Kanaal

# The standard's kanaal of the Autorisaties API: the applicatie cache subscribes to it even when
# the authorizations component has not registered it yet (same name and no kenmerken either way).
AUTORISATIES = Kanaal("autorisaties", main_resource="applicatie")


def webhook_url() -> str | None:
    """The autorisaties webhook of this component, as the Notificaties API reaches it (or None)."""
    try:
        path = reverse("autorisaties-webhook")
    except NoReverseMatch:
        return None
    component = settings.GRONDWERK_COMPONENT
    return component_url(component, PORTS[component]) + path


class Command(BaseCommand):
    help = "Create this component's kanalen at the Notificaties API (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0.0,
                            help="seconds to keep retrying while the Notificaties API is unreachable")
        parser.add_argument("--no-subscribe", action="store_true",
                            help="do not subscribe the autorisaties webhook")

    def handle(self, wait, no_subscribe, **options):
        deadline = time.monotonic() + wait
        while True:
            try:
                self._register(subscribe=not no_subscribe)
                return
            except NotificationsUnavailable as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(f"Notificaties API not reachable at {settings.NOTIFICATIONS_URL}: {exc}")
                time.sleep(1.0)

    def _register(self, *, subscribe: bool) -> None:
        for registration in register_kanalen():
            self.stdout.write(f"kanaal {registration.naam}: {registration.outcome}")
        callback = webhook_url() if subscribe else None
        if callback:
            ensure_kanaal(AUTORISATIES)
            # The webhook accepts only tokens of the service client (see components/kernel/api/webhooks.py).
            auth = "Bearer " + sign(settings.SERVICE_CLIENT_ID, settings.SERVICE_SECRET,
                                    user_id=settings.SERVICE_CLIENT_ID, user_representation="Grondwerk")
            outcome = ensure_abonnement(callback, auth, [{"naam": "autorisaties", "filters": {}}])
            self.stdout.write(f"abonnement autorisaties -> {callback}: {outcome}")
