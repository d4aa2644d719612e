"""The catalogus: the container every type belongs to."""

from django.db import models

from .mixins import UuidMixin


class Catalogus(UuidMixin, models.Model):
    domein = models.CharField(max_length=5, db_index=True)
    rsin = models.CharField(max_length=9, db_index=True)
    contactpersoon_beheer_naam = models.CharField(max_length=40)
    contactpersoon_beheer_telefoonnummer = models.CharField(max_length=20, blank=True)
    contactpersoon_beheer_emailadres = models.EmailField(max_length=254, blank=True)
    naam = models.CharField(max_length=200, blank=True)
    versie = models.CharField(max_length=20, blank=True)
    begindatum_versie = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "catalogus"
        verbose_name_plural = "catalogussen"
        ordering = ("id",)
        constraints = [models.UniqueConstraint(fields=["domein", "rsin"], name="catalogus_domein_rsin_uniek")]

    def __str__(self) -> str:
        return self.naam or f"{self.domein} ({self.rsin})"
