"""Enumerations of the Autorisaties API."""

from django.db import models

from components.kernel.auth.applicaties import VERTROUWELIJKHEIDAANDUIDINGEN


class ComponentTypes(models.TextChoices):
    ac = "ac", "Autorisaties API"
    nrc = "nrc", "Notificaties API"
    zrc = "zrc", "Zaken API"
    ztc = "ztc", "Catalogi API"
    drc = "drc", "Documenten API"
    brc = "brc", "Besluiten API"


VertrouwelijkheidAanduiding = models.TextChoices(
    "VertrouwelijkheidAanduiding",
    [(value, value.replace("_", " ")) for value in VERTROUWELIJKHEIDAANDUIDINGEN],
)
