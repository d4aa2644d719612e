"""Cache invalidation: any change to an applicatie, its autorisaties or a credential makes the
cached token answers of the client ids involved stale, once the change is committed."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from components.kernel.api.authentication import redis_client
from components.kernel.auth.verification import invalidate_client

from .models import Applicatie, Autorisatie, ClientCredential

logger = logging.getLogger(__name__)


def invalidate_after_commit(client_ids) -> None:
    client_ids = sorted(set(client_ids))

    def invalidate():
        for client_id in client_ids:
            try:
                invalidate_client(redis_client(), client_id)
            except Exception as exc:
                # Redis down means no cache to be stale: the remote cache only holds answers
                # while Redis is up, and local caches expire within seconds.
                logger.warning("could not invalidate %s: %s", client_id, exc.__class__.__name__)

    transaction.on_commit(invalidate)


@receiver([post_save, post_delete], sender=Applicatie)
def applicatie_changed(sender, instance, **kwargs):
    invalidate_after_commit([*instance.client_ids, *getattr(instance, "_loaded_client_ids", [])])


@receiver([post_save, post_delete], sender=Autorisatie)
def autorisatie_changed(sender, instance, **kwargs):
    applicatie = Applicatie.objects.filter(pk=instance.applicatie_id).only("client_ids").first()
    if applicatie is not None:
        invalidate_after_commit(applicatie.client_ids)


@receiver([post_save, post_delete], sender=ClientCredential)
def credential_changed(sender, instance, **kwargs):
    invalidate_after_commit([instance.client_id])
