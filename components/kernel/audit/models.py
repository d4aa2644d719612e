"""One audit trail row per write on a main resource, in the write's own transaction."""

import uuid

from django.db import models


class AuditTrail(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    bron = models.CharField(max_length=50, help_text="De naam van het component waar de wijziging in is gedaan.")
    applicatie_id = models.CharField(max_length=100, blank=True)
    applicatie_weergave = models.CharField(max_length=200, blank=True)
    gebruikers_id = models.CharField(max_length=255, blank=True)
    gebruikers_weergave = models.CharField(max_length=255, blank=True)
    actie = models.CharField(max_length=50)
    actie_weergave = models.CharField(max_length=200, blank=True)
    resultaat = models.PositiveIntegerField(help_text="HTTP status code van de API response.")
    hoofd_object = models.URLField(max_length=1000)
    hoofd_object_uuid = models.UUIDField(db_index=True)
    resource = models.CharField(max_length=50)
    resource_url = models.URLField(max_length=1000)
    resource_weergave = models.CharField(max_length=200, blank=True)
    toelichting = models.TextField(blank=True)
    aanmaakdatum = models.DateTimeField(auto_now_add=True)
    oud = models.JSONField(null=True, blank=True)
    nieuw = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ("aanmaakdatum", "id")
        verbose_name = "audit trail regel"

    def __str__(self) -> str:
        return f"{self.actie} {self.resource} {self.resource_url}"
