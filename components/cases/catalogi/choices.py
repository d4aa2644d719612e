"""Enumerations of the Catalogi API 1.3.3."""

from django.db import models

from components.kernel.auth.applicaties import VERTROUWELIJKHEIDAANDUIDINGEN

VertrouwelijkheidAanduiding = models.TextChoices(
    "VertrouwelijkheidAanduiding",
    [(value, value.replace("_", " ")) for value in VERTROUWELIJKHEIDAANDUIDINGEN],
)


class InternExtern(models.TextChoices):
    intern = "intern", "Intern"
    extern = "extern", "Extern"


class AardRelatie(models.TextChoices):
    vervolg = "vervolg", "Vervolg"
    bijdrage = "bijdrage", "Bijdrage"
    onderwerp = "onderwerp", "Onderwerp"


class Archiefnominatie(models.TextChoices):
    blijvend_bewaren = "blijvend_bewaren", "Blijvend bewaren"
    vernietigen = "vernietigen", "Vernietigen"


class Afleidingswijze(models.TextChoices):
    afgehandeld = "afgehandeld", "Afgehandeld"
    ander_datumkenmerk = "ander_datumkenmerk", "Ander datumkenmerk"
    eigenschap = "eigenschap", "Eigenschap"
    gerelateerde_zaak = "gerelateerde_zaak", "Gerelateerde zaak"
    hoofdzaak = "hoofdzaak", "Hoofdzaak"
    ingangsdatum_besluit = "ingangsdatum_besluit", "Ingangsdatum besluit"
    termijn = "termijn", "Termijn"
    vervaldatum_besluit = "vervaldatum_besluit", "Vervaldatum besluit"
    zaakobject = "zaakobject", "Zaakobject"


OBJECTTYPEN = (
    "adres", "besluit", "buurt", "enkelvoudig_document", "gemeente", "gemeentelijke_openbare_ruimte",
    "huishouden", "inrichtingselement", "kadastrale_onroerende_zaak", "kunstwerkdeel",
    "maatschappelijke_activiteit", "medewerker", "natuurlijk_persoon", "niet_natuurlijk_persoon",
    "openbare_ruimte", "organisatorische_eenheid", "pand", "spoorbaandeel", "status", "terreindeel",
    "terrein_gebouwd_object", "vestiging", "waterdeel", "wegdeel", "wijk", "woonplaats",
    "woz_deelobject", "woz_object", "woz_waarde", "zakelijk_recht", "overige",
)
Objecttype = models.TextChoices("Objecttype", [(v, v.replace("_", " ")) for v in OBJECTTYPEN])


class Formaat(models.TextChoices):
    tekst = "tekst", "Tekst"
    getal = "getal", "Getal"
    datum = "datum", "Datum"
    datum_tijd = "datum_tijd", "Datum/tijd"


class RolOmschrijving(models.TextChoices):
    adviseur = "adviseur", "Adviseur"
    behandelaar = "behandelaar", "Behandelaar"
    belanghebbende = "belanghebbende", "Belanghebbende"
    beslisser = "beslisser", "Beslisser"
    initiator = "initiator", "Initiator"
    klantcontacter = "klantcontacter", "Klantcontacter"
    zaakcoordinator = "zaakcoordinator", "Zaakcoördinator"
    mede_initiator = "mede_initiator", "Mede-initiator"


class Richting(models.TextChoices):
    inkomend = "inkomend", "Inkomend"
    intern = "intern", "Intern"
    uitgaand = "uitgaand", "Uitgaand"


class Status(models.TextChoices):
    """The `status` query parameter: which versions a list shows (default: definitief)."""

    alles = "alles", "Alles"
    concept = "concept", "Concept"
    definitief = "definitief", "Definitief"
