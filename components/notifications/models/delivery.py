"""Deliveries: one notificatie to one abonnement, its state, and the log of every attempt."""

import uuid

from django.db import models

from ..choices import DeliveryStatus
from .abonnement import Abonnement
from .notificatie import Notificatie


class Delivery(models.Model):
    # The same id on every attempt (header X-Grondwerk-Delivery-Id): subscribers de-duplicate on it.
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    notificatie = models.ForeignKey(Notificatie, on_delete=models.CASCADE, related_name="deliveries")
    # Kept when the abonnement is deleted: the log outlives the subscription.
    abonnement = models.ForeignKey(Abonnement, on_delete=models.SET_NULL, null=True, related_name="deliveries")
    callback_url = models.CharField(max_length=1000)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.pending)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_limit = models.PositiveSmallIntegerField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a task for it was last sent; the sweep re-sends tasks that got lost.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # While sending: a worker holds it until then; past it, the sweep takes it back.
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "aflevering"
        verbose_name_plural = "afleveringen"
        ordering = ("-id",)
        indexes = [
            # The sweep only looks at deliveries still on their way.
            models.Index(fields=["next_attempt_at"], name="delivery_open_idx",
                         condition=models.Q(status__in=["pending", "sending"])),
            models.Index(fields=["abonnement", "lease_until"], name="delivery_sending_idx",
                         condition=models.Q(status="sending")),
            models.Index(fields=["status", "id"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notificatie_id} -> {self.callback_url} ({self.status})"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    attempt = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "afleverpoging"
        verbose_name_plural = "afleverpogingen"
        ordering = ("delivery", "attempt")

    def __str__(self) -> str:
        return f"#{self.attempt} {self.status_code or self.error}"
