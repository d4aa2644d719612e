"""The parts of one zaaktype version: statustypen, roltypen, resultaattypen, eigenschappen,
zaakobjecttypen and zaaktype-informatieobjecttypen. Their geldigheid is their zaaktype's."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..choices import Afleidingswijze, Archiefnominatie, Formaat, Objecttype, Richting, RolOmschrijving
from .besluittype import BesluitType
from .informatieobjecttype import InformatieObjectType
from .mixins import DurationField, UuidMixin
from .zaaktype import ZaakType


class ZaakObjectType(UuidMixin, models.Model):
    zaaktype = models.ForeignKey(ZaakType, on_delete=models.CASCADE, related_name="zaakobjecttypen")
    ander_objecttype = models.BooleanField(default=False)
    objecttype = models.URLField(max_length=200)
    relatie_omschrijving = models.CharField(max_length=80)

    class Meta:
        verbose_name = "zaakobjecttype"
        verbose_name_plural = "zaakobjecttypen"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.relatie_omschrijving

    @property
    def catalogus(self):
        return self.zaaktype.catalogus


class StatusType(UuidMixin, models.Model):
    zaaktype = models.ForeignKey(ZaakType, on_delete=models.CASCADE, related_name="statustypen")
    omschrijving = models.CharField(max_length=80)
    omschrijving_generiek = models.CharField(max_length=80, blank=True)
    statustekst = models.CharField(max_length=1000, blank=True)
    volgnummer = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9999)])
    informeren = models.BooleanField(default=False)
    doorlooptijd = DurationField()
    toelichting = models.CharField(max_length=1000, blank=True)
    checklistitem_statustype = models.JSONField(default=list, blank=True)
    zaakobjecttype = models.ForeignKey(ZaakObjectType, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="statustypen")

    class Meta:
        verbose_name = "statustype"
        verbose_name_plural = "statustypen"
        ordering = ("zaaktype_id", "volgnummer")
        constraints = [models.UniqueConstraint(fields=["zaaktype", "volgnummer"],
                                               name="statustype_volgnummer_uniek")]

    def __str__(self) -> str:
        return f"{self.volgnummer}. {self.omschrijving}"


class RolType(UuidMixin, models.Model):
    zaaktype = models.ForeignKey(ZaakType, on_delete=models.CASCADE, related_name="roltypen")
    omschrijving = models.CharField(max_length=100)
    omschrijving_generiek = models.CharField(max_length=20, choices=RolOmschrijving.choices, db_index=True)

    class Meta:
        verbose_name = "roltype"
        verbose_name_plural = "roltypen"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.omschrijving


class ResultaatType(UuidMixin, models.Model):
    zaaktype = models.ForeignKey(ZaakType, on_delete=models.CASCADE, related_name="resultaattypen")
    omschrijving = models.CharField(max_length=30)
    resultaattypeomschrijving = models.URLField(max_length=1000)
    omschrijving_generiek = models.CharField(max_length=80, blank=True,
                                             help_text="Uit de referentielijst, indien geconfigureerd.")
    selectielijstklasse = models.URLField(max_length=1000)
    toelichting = models.TextField(blank=True)
    archiefnominatie = models.CharField(max_length=20, choices=Archiefnominatie.choices, blank=True)
    archiefactietermijn = DurationField()
    brondatum_afleidingswijze = models.CharField(max_length=20, choices=Afleidingswijze.choices, blank=True)
    brondatum_datumkenmerk = models.CharField(max_length=80, blank=True)
    brondatum_einddatum_bekend = models.BooleanField(default=False)
    brondatum_objecttype = models.CharField(max_length=40, choices=Objecttype.choices, blank=True)
    brondatum_registratie = models.CharField(max_length=80, blank=True)
    brondatum_procestermijn = DurationField()
    procesobjectaard = models.CharField(max_length=200, blank=True)
    indicatie_specifiek = models.BooleanField(null=True, blank=True)
    procestermijn = DurationField()
    besluittypen = models.ManyToManyField(BesluitType, blank=True, related_name="resultaattypen")
    informatieobjecttypen = models.ManyToManyField(InformatieObjectType, blank=True, related_name="resultaattypen")
    zaakobjecttype = models.ForeignKey(ZaakObjectType, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="resultaattypen")

    class Meta:
        verbose_name = "resultaattype"
        verbose_name_plural = "resultaattypen"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.omschrijving


class Eigenschap(UuidMixin, models.Model):
    zaaktype = models.ForeignKey(ZaakType, on_delete=models.CASCADE, related_name="eigenschappen")
    statustype = models.ForeignKey(StatusType, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="eigenschappen")
    naam = models.CharField(max_length=20)
    definitie = models.CharField(max_length=255)
    toelichting = models.CharField(max_length=1000, blank=True)
    specificatie_groep = models.CharField(max_length=32, blank=True)
    specificatie_formaat = models.CharField(max_length=10, choices=Formaat.choices)
    specificatie_lengte = models.CharField(max_length=14)
    specificatie_kardinaliteit = models.CharField(max_length=3)
    specificatie_waardenverzameling = ArrayField(models.CharField(max_length=100), default=list, blank=True)

    class Meta:
        verbose_name = "eigenschap"
        verbose_name_plural = "eigenschappen"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.naam


class ZaakTypeInformatieObjectType(UuidMixin, models.Model):
    zaaktype = models.ForeignKey(ZaakType, on_delete=models.CASCADE, related_name="zaaktype_informatieobjecttypen")
    informatieobjecttype_omschrijving = models.CharField(max_length=100, db_index=True)
    volgnummer = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(999)])
    richting = models.CharField(max_length=20, choices=Richting.choices, db_index=True)
    statustype = models.ForeignKey(StatusType, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="zaaktype_informatieobjecttypen")

    class Meta:
        verbose_name = "zaaktype-informatieobjecttype"
        verbose_name_plural = "zaaktype-informatieobjecttypen"
        ordering = ("zaaktype_id", "volgnummer")
        constraints = [models.UniqueConstraint(fields=["zaaktype", "volgnummer"], name="ziot_volgnummer_uniek")]

    def __str__(self) -> str:
        return f"{self.volgnummer}. {self.informatieobjecttype_omschrijving}"
