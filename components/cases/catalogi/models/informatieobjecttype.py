"""The informatieobjecttype, versioned by `omschrijving`."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from ..choices import VertrouwelijkheidAanduiding
from .catalogus import Catalogus
from .mixins import ConceptMixin, GeldigheidMixin, UuidMixin


class InformatieObjectType(UuidMixin, GeldigheidMixin, ConceptMixin, models.Model):
    catalogus = models.ForeignKey(Catalogus, on_delete=models.PROTECT, related_name="informatieobjecttypen")
    omschrijving = models.CharField(max_length=80)
    vertrouwelijkheidaanduiding = models.CharField(max_length=20, choices=VertrouwelijkheidAanduiding.choices)
    informatieobjectcategorie = models.CharField(max_length=80)
    trefwoord = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    omschrijving_generiek_informatieobjecttype = models.CharField(max_length=80, blank=True)
    omschrijving_generiek_definitie = models.CharField(max_length=255, blank=True)
    omschrijving_generiek_herkomst = models.CharField(max_length=12, blank=True)
    omschrijving_generiek_hierarchie = models.CharField(max_length=80, blank=True)
    omschrijving_generiek_opmerking = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "informatieobjecttype"
        verbose_name_plural = "informatieobjecttypen"
        ordering = ("id",)
        indexes = [models.Index(fields=["catalogus", "omschrijving"], name="iotype_cat_oms_idx")]

    def __str__(self) -> str:
        return f"{self.omschrijving} ({'concept' if self.concept else self.begin_geldigheid})"
