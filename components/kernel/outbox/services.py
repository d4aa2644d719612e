"""Writing a notificatie to the outbox; call inside the transaction of the change it announces."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage


def enqueue_notification(*, kanaal: str, hoofd_object: str, resource: str, resource_url: str,
                         actie: str, kenmerken: dict | None = None) -> OutboxMessage:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_notification must run inside the change's transaction")
    message = OutboxMessage.objects.create(kanaal=kanaal, message={
        "kanaal": kanaal,
        "hoofdObject": hoofd_object,
        "resource": resource,
        "resourceUrl": resource_url,
        "actie": actie,
        "aanmaakdatum": timezone.now().isoformat(),
        "kenmerken": {key: str(value) for key, value in (kenmerken or {}).items()},
    })
    on_commit = getattr(settings, "OUTBOX_ON_COMMIT", "")
    if on_commit:
        transaction.on_commit(lambda: import_string(on_commit)(message.pk))
    return message
