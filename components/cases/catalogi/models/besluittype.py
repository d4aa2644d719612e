"""The besluittype, versioned by `omschrijving`; informatieobjecttypen referenced by omschrijving."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from .catalogus import Catalogus
from .mixins import ConceptMixin, DurationField, GeldigheidMixin, UuidMixin


class BesluitType(UuidMixin, GeldigheidMixin, ConceptMixin, models.Model):
    catalogus = models.ForeignKey(Catalogus, on_delete=models.PROTECT, related_name="besluittypen")
    omschrijving = models.CharField(max_length=80, blank=True)
    omschrijving_generiek = models.CharField(max_length=80, blank=True)
    besluitcategorie = models.CharField(max_length=40, blank=True)
    reactietermijn = DurationField()
    publicatie_indicatie = models.BooleanField(default=False)
    publicatietekst = models.TextField(blank=True)
    publicatietermijn = DurationField()
    toelichting = models.TextField(blank=True)
    informatieobjecttype_omschrijvingen = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    vastgelegd_in = ArrayField(models.CharField(max_length=80), default=list, blank=True)

    class Meta:
        verbose_name = "besluittype"
        verbose_name_plural = "besluittypen"
        ordering = ("id",)
        indexes = [models.Index(fields=["catalogus", "omschrijving"], name="besluittype_cat_oms_idx")]

    def __str__(self) -> str:
        return f"{self.omschrijving} ({'concept' if self.concept else self.begin_geldigheid})"
