"""Outbox rows: notificaties waiting to be relayed to the Notificaties API."""

from django.db import models


class OutboxMessage(models.Model):
    kanaal = models.CharField(max_length=50)
    message = models.JSONField(help_text="The notificatie exactly as it will be posted.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a refused or failed post the relay waits before trying this row again (backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            # The relay only ever scans unsent rows; keep that index small.
            models.Index(fields=["id"], name="outbox_unsent_idx", condition=models.Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kanaal} #{self.pk}"
