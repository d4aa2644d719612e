"""The zaaktype, versioned by `identificatie`; besluittypen, deelzaaktypen and gerelateerde zaaktypen
are referenced by name (omschrijving/identificatie), as the standard has it since 1.3.2."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from ..choices import InternExtern, VertrouwelijkheidAanduiding
from .catalogus import Catalogus
from .mixins import ConceptMixin, DurationField, GeldigheidMixin, UuidMixin


class ZaakType(UuidMixin, GeldigheidMixin, ConceptMixin, models.Model):
    catalogus = models.ForeignKey(Catalogus, on_delete=models.PROTECT, related_name="zaaktypen")
    identificatie = models.CharField(max_length=50)
    omschrijving = models.CharField(max_length=80)
    omschrijving_generiek = models.CharField(max_length=80, blank=True)
    vertrouwelijkheidaanduiding = models.CharField(max_length=20, choices=VertrouwelijkheidAanduiding.choices)
    doel = models.TextField()
    aanleiding = models.TextField()
    toelichting = models.TextField(blank=True)
    indicatie_intern_of_extern = models.CharField(max_length=6, choices=InternExtern.choices)
    handeling_initiator = models.CharField(max_length=20)
    onderwerp = models.CharField(max_length=80)
    handeling_behandelaar = models.CharField(max_length=20)
    doorlooptijd = DurationField(blank=False)
    servicenorm = DurationField()
    opschorting_en_aanhouding_mogelijk = models.BooleanField(default=False)
    verlenging_mogelijk = models.BooleanField(default=False)
    verlengingstermijn = DurationField()
    trefwoorden = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    publicatie_indicatie = models.BooleanField(default=False)
    publicatietekst = models.TextField(blank=True)
    verantwoordingsrelatie = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    producten_of_diensten = ArrayField(models.URLField(max_length=1000), default=list, blank=True)
    selectielijst_procestype = models.URLField(max_length=200, blank=True)
    referentieproces_naam = models.CharField(max_length=80)
    referentieproces_link = models.URLField(max_length=200, blank=True)
    verantwoordelijke = models.CharField(max_length=50)
    broncatalogus_url = models.URLField(max_length=200, blank=True)
    broncatalogus_domein = models.CharField(max_length=5, blank=True)
    broncatalogus_rsin = models.CharField(max_length=9, blank=True)
    bronzaaktype_url = models.URLField(max_length=200, blank=True)
    bronzaaktype_identificatie = models.CharField(max_length=50, blank=True)
    bronzaaktype_omschrijving = models.CharField(max_length=80, blank=True)
    besluittype_omschrijvingen = ArrayField(models.CharField(max_length=80), default=list, blank=True,
                                            help_text="Omschrijvingen van de relevante besluittypen.")
    deelzaaktype_identificaties = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    gerelateerde_zaaktypen = models.JSONField(
        default=list, blank=True,
        help_text='[{"zaaktype": identificatie, "aard_relatie": ..., "toelichting": ...}]')
    versiedatum = models.DateField()

    class Meta:
        verbose_name = "zaaktype"
        verbose_name_plural = "zaaktypen"
        ordering = ("id",)
        indexes = [models.Index(fields=["catalogus", "identificatie"], name="zaaktype_cat_ident_idx")]

    def __str__(self) -> str:
        return f"{self.identificatie} {self.omschrijving} ({'concept' if self.concept else self.versiedatum})"
