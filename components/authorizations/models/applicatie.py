"""Applicaties and their autorisaties, as the Autorisaties API defines them."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from components.kernel.auth import applicaties as values

from ..choices import ComponentTypes, VertrouwelijkheidAanduiding


class Applicatie(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    client_ids = ArrayField(models.CharField(max_length=50), default=list,
                            help_text="Client ids van de consumers; een client id hoort bij één applicatie.")
    label = models.CharField(max_length=100)
    heeft_alle_autorisaties = models.BooleanField(default=False)
    alleen_is_gereed_voor_publicatie = models.BooleanField(default=False)

    class Meta:
        verbose_name = "applicatie"
        verbose_name_plural = "applicaties"
        ordering = ("id",)
        indexes = [GinIndex(fields=["client_ids"], name="applicatie_client_ids_gin")]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_db(cls, db, field_names, values_):
        instance = super().from_db(db, field_names, values_)
        # Remember the stored client ids: a removed id must lose its cached rights too.
        instance._loaded_client_ids = list(instance.client_ids or [])
        return instance

    def as_value(self) -> values.Applicatie:
        return values.Applicatie(
            uuid=str(self.uuid),
            label=self.label,
            client_ids=tuple(self.client_ids),
            heeft_alle_autorisaties=self.heeft_alle_autorisaties,
            alleen_is_gereed_voor_publicatie=self.alleen_is_gereed_voor_publicatie,
            autorisaties=tuple(a.as_value() for a in self.autorisaties.all()),
        )


class Autorisatie(models.Model):
    applicatie = models.ForeignKey(Applicatie, on_delete=models.CASCADE, related_name="autorisaties")
    component = models.CharField(max_length=50, choices=ComponentTypes.choices)
    scopes = ArrayField(models.CharField(max_length=100), default=list)
    zaaktype = models.URLField(max_length=1000, blank=True)
    informatieobjecttype = models.URLField(max_length=1000, blank=True)
    besluittype = models.URLField(max_length=1000, blank=True)
    max_vertrouwelijkheidaanduiding = models.CharField(
        max_length=100, choices=VertrouwelijkheidAanduiding.choices, blank=True)

    class Meta:
        verbose_name = "autorisatie"
        verbose_name_plural = "autorisaties"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.component}: {', '.join(self.scopes)}"

    def as_value(self) -> values.Autorisatie:
        return values.Autorisatie(
            component=self.component,
            scopes=frozenset(self.scopes),
            zaaktype=self.zaaktype,
            informatieobjecttype=self.informatieobjecttype,
            besluittype=self.besluittype,
            max_vertrouwelijkheidaanduiding=self.max_vertrouwelijkheidaanduiding,
        )
