"""Notificaties as they were published, kept as the record every delivery points at."""

import uuid

from django.db import models

from .kanaal import Kanaal


class Notificatie(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    kanaal = models.ForeignKey(Kanaal, on_delete=models.PROTECT, related_name="notificaties")
    message = models.JSONField(help_text="Het bericht zoals het werd gepubliceerd en wordt afgeleverd.")
    # A publisher that repeats a post (Grondwerk's outbox relay does after a crash) sends the same
    # Idempotency-Key: the repeat is answered from here and delivered only once.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    client_id = models.CharField(max_length=50, blank=True, help_text="Client id van de publicerende bron.")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set once its deliveries exist (delivery.route); the sweep wakes the router for what is unset.
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "notificatie"
        verbose_name_plural = "notificaties"
        ordering = ("-id",)
        indexes = [models.Index(fields=["received_at"], name="notificatie_unrouted_idx",
                                condition=models.Q(fanned_out_at__isnull=True))]

    def __str__(self) -> str:
        message = self.message or {}
        return f"{message.get('kanaal')} {message.get('resource')} {message.get('actie')}"
