"""Validation rules of the Catalogi API: ztc-001..008 and ztc-015, geldigheid, RSIN.

Rules over a single object live here; rules over the life cycle (ztc-009, ztc-010, ztc-016 and
publishing) run in `services.py`, inside the write's transaction.
"""

import httpx
from django.conf import settings
from rest_framework import serializers

from ..choices import Afleidingswijze

ErrorDetail = serializers.ErrorDetail


def field_error(field: str, message: str, code: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [ErrorDetail(message, code=code)]})


def validate_rsin(value: str) -> str:
    """An RSIN is nine digits that pass the elfproef."""
    if len(value) != 9 or not value.isdigit():
        raise serializers.ValidationError("Een RSIN bestaat uit 9 cijfers.", code="invalid")
    total = sum(int(digit) * weight for digit, weight in zip(value[:8], range(9, 1, -1), strict=True))
    if (total - int(value[8])) % 11 != 0:
        raise serializers.ValidationError("Dit RSIN voldoet niet aan de elfproef.", code="invalid")
    return value


def validate_geldigheid(attrs: dict, instance=None) -> None:
    begin = attrs.get("begin_geldigheid", getattr(instance, "begin_geldigheid", None))
    einde = attrs.get("einde_geldigheid", getattr(instance, "einde_geldigheid", None))
    if begin and einde and einde < begin:
        raise field_error("einde_geldigheid", "eindeGeldigheid ligt voor beginGeldigheid.", "date-mismatch")


# --- Selectielijst (ztc-001, ztc-002) ------------------------------------------------------------

def fetch_selectielijst(url: str, field: str, resource: str) -> dict | None:
    """When `SELECTIELIJST_API_URL` is configured, `url` must be a `resource` of that API and
    exist there; answer its JSON. Without configuration any well-formed URL is accepted (None)."""
    base = getattr(settings, "SELECTIELIJST_API_URL", "")
    if not base or not url:
        return None
    if not url.startswith(f"{base}/{resource}/"):
        raise field_error(field, f"De URL is geen {resource}-resource van de Selectielijst API ({base}).",
                          "invalid-resource")
    try:
        response = httpx.get(url, timeout=5.0, headers={"Accept": "application/json"})
    except httpx.HTTPError:
        raise field_error(field, "De Selectielijst API is niet bereikbaar.", "bad-url")
    if response.status_code != 200:
        raise field_error(field, f"De URL gaf status {response.status_code}.", "bad-url")
    try:
        return response.json()
    except ValueError:
        raise field_error(field, "De URL gaf geen JSON.", "invalid-resource")


def validate_selectielijst_procestype(url: str) -> str:
    """ztc-001: selectielijstProcestype is a procestype of the Selectielijst API."""
    fetch_selectielijst(url, "selectielijst_procestype", "procestypen")
    return url


# --- Resultaattype: ztc-002..008 ---------------------------------------------------------------

# ztc-004..008: which afleidingswijzen need (True) or forbid (False) each brondatum field.
NEEDS_DATUMKENMERK = {Afleidingswijze.eigenschap, Afleidingswijze.zaakobject, Afleidingswijze.ander_datumkenmerk}
NEEDS_OBJECTTYPE = {Afleidingswijze.zaakobject, Afleidingswijze.ander_datumkenmerk}
NEEDS_REGISTRATIE = {Afleidingswijze.ander_datumkenmerk}
NEEDS_PROCESTERMIJN = {Afleidingswijze.termijn}
NO_EINDDATUM_BEKEND = {Afleidingswijze.afgehandeld, Afleidingswijze.termijn}


def validate_brondatum_archiefprocedure(attrs: dict) -> None:
    """ztc-004..008 on the flattened `brondatum_*` attributes."""
    afleidingswijze = attrs.get("brondatum_afleidingswijze") or ""
    errors = {}

    def rule(field: str, needed: bool) -> None:
        value = attrs.get(field)
        present = value not in (None, "", False)
        name = f"brondatumArchiefprocedure.{field.removeprefix('brondatum_')}"
        if needed and not present:
            errors[name] = [ErrorDetail(f"Verplicht bij afleidingswijze '{afleidingswijze}'.", code="required")]
        elif not needed and present:
            errors[name] = [ErrorDetail(f"Moet leeg zijn bij afleidingswijze '{afleidingswijze}'.",
                                        code="must-be-empty")]

    if afleidingswijze:
        rule("brondatum_datumkenmerk", afleidingswijze in NEEDS_DATUMKENMERK)
        rule("brondatum_objecttype", afleidingswijze in NEEDS_OBJECTTYPE)
        rule("brondatum_registratie", afleidingswijze in NEEDS_REGISTRATIE)
        rule("brondatum_procestermijn", afleidingswijze in NEEDS_PROCESTERMIJN)
        if afleidingswijze in NO_EINDDATUM_BEKEND and attrs.get("brondatum_einddatum_bekend"):
            errors["brondatumArchiefprocedure.einddatumBekend"] = [ErrorDetail(
                f"Moet leeg zijn bij afleidingswijze '{afleidingswijze}'.", code="must-be-empty")]
    if errors:
        raise serializers.ValidationError(errors)


def apply_selectielijstklasse(attrs: dict, zaaktype) -> None:
    """ztc-002/ztc-003 against the Selectielijst API, when it is configured: the klasse belongs to
    the zaaktype's procestype; archiefnominatie/-actietermijn default from it; its procestermijn
    constrains the afleidingswijze. Also fills omschrijvingGeneriek from the referentielijst."""
    omschrijving = fetch_selectielijst(attrs.get("resultaattypeomschrijving", ""), "resultaattypeomschrijving",
                                       "resultaattypeomschrijvingen")
    if omschrijving is not None:
        attrs["omschrijving_generiek"] = str(omschrijving.get("omschrijving", ""))[:80]
    klasse = fetch_selectielijst(attrs.get("selectielijstklasse", ""), "selectielijstklasse", "resultaten")
    if klasse is None:
        return
    procestype = getattr(zaaktype, "selectielijst_procestype", "")
    if procestype and klasse.get("procesType") and klasse["procesType"] != procestype:
        raise field_error("selectielijstklasse", "Deze selectielijstklasse hoort niet bij het "
                          "selectielijstProcestype van het zaaktype.", "procestype-mismatch")
    if not attrs.get("archiefnominatie") and klasse.get("waardering"):
        attrs["archiefnominatie"] = klasse["waardering"]
    if not attrs.get("archiefactietermijn") and klasse.get("bewaartermijn"):
        attrs["archiefactietermijn"] = klasse["bewaartermijn"]
    required = {"nihil": Afleidingswijze.afgehandeld,
                "ingeschatte_bestaansduur_procesobject": Afleidingswijze.termijn}.get(klasse.get("procestermijn"))
    afleidingswijze = attrs.get("brondatum_afleidingswijze")
    if required and afleidingswijze and afleidingswijze != required:
        raise field_error("brondatumArchiefprocedure.afleidingswijze",
                          f"De selectielijstklasse vereist afleidingswijze '{required}'.", "invalid-afleidingswijze")


# --- Eigenschap: ztc-015 -----------------------------------------------------------------------

DATE_LENGTHS = {"datum": "8", "datum_tijd": "14"}


def validate_eigenschap_specificatie(attrs: dict) -> None:
    formaat = attrs.get("specificatie_formaat")
    expected = DATE_LENGTHS.get(formaat)
    if expected and attrs.get("specificatie_lengte") != expected:
        raise field_error("specificatie.lengte", f"Bij formaat '{formaat}' is de lengte {expected}.",
                          "invalid-length")
