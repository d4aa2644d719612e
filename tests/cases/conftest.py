"""Clients with real tokens for the Catalogi API tests, and a catalogus to work in."""

import pytest
from rest_framework.test import APIClient

from components.kernel import testing
from components.kernel.api.authentication import get_verifier

API = "/catalogi/api/v1"
ALL_SCOPES = ["catalogi.lezen", "catalogi.schrijven", "catalogi.geforceerd-schrijven",
              "catalogi.geforceerd-verwijderen"]


@pytest.fixture(autouse=True)
def _registry_tokens(settings):
    settings.TOKEN_INTROSPECTOR = "components.kernel.testing.registry_introspector"
    settings.SELECTIELIJST_API_URL = ""
    testing.clear_clients()
    get_verifier.cache_clear()
    yield
    testing.clear_clients()
    get_verifier.cache_clear()


def client_for(client_id: str, scopes: list[str]) -> APIClient:
    token = testing.register_client(client_id, f"secret-{client_id}",
                                    autorisaties=[{"component": "ztc", "scopes": scopes}])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def beheerder(db):
    """catalogi.lezen + catalogi.schrijven: edits concepts, publishes."""
    return client_for("beheerder", ["catalogi.lezen", "catalogi.schrijven"])


@pytest.fixture
def forceerder(db):
    """All four scopes: may correct and delete published types."""
    return client_for("forceerder", ALL_SCOPES)


@pytest.fixture
def lezer(db):
    return client_for("lezer", ["catalogi.lezen"])


def catalogus_body(**overrides):
    return {"domein": "ABCDE", "rsin": "000000000", "contactpersoonBeheerNaam": "Beheer",
            "naam": "Gemeente", **overrides}


@pytest.fixture
def catalogus(beheerder) -> str:
    response = beheerder.post(f"{API}/catalogussen", catalogus_body(), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["url"]


def zaaktype_body(catalogus: str, **overrides) -> dict:
    return {
        "identificatie": "ZT-1", "omschrijving": "Melding openbare ruimte", "vertrouwelijkheidaanduiding": "openbaar",
        "doel": "doel", "aanleiding": "aanleiding", "indicatieInternOfExtern": "extern",
        "handelingInitiator": "melden", "onderwerp": "Openbare ruimte", "handelingBehandelaar": "behandelen",
        "doorlooptijd": "P30D", "opschortingEnAanhoudingMogelijk": False, "verlengingMogelijk": False,
        "publicatieIndicatie": False, "productenOfDiensten": ["https://example.com/product/1"],
        "referentieproces": {"naam": "melding"}, "verantwoordelijke": "Gemeente", "catalogus": catalogus,
        "besluittypen": [], "gerelateerdeZaaktypen": [], "beginGeldigheid": "2024-01-01",
        "versiedatum": "2024-01-01", **overrides,
    }


def iot_body(catalogus: str, **overrides) -> dict:
    return {"catalogus": catalogus, "omschrijving": "Aanvraag", "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "formulier", **overrides}


def besluittype_body(catalogus: str, **overrides) -> dict:
    return {"catalogus": catalogus, "omschrijving": "Vergunning", "publicatieIndicatie": False,
            "informatieobjecttypen": [], "beginGeldigheid": "2024-01-01", **overrides}


def resultaattype_body(zaaktype: str, **overrides) -> dict:
    return {"zaaktype": zaaktype, "omschrijving": "Afgehandeld",
            "resultaattypeomschrijving": "https://selectielijst.example/api/v1/resultaattypeomschrijvingen/1",
            "selectielijstklasse": "https://selectielijst.example/api/v1/resultaten/1",
            "archiefnominatie": "vernietigen", "archiefactietermijn": "P10Y",
            "brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld"}, **overrides}


def complete_zaaktype(api, catalogus: str, **overrides) -> str:
    """A concept zaaktype with everything publishing needs; returns its URL."""
    zaaktype = api.post(f"{API}/zaaktypen", zaaktype_body(catalogus, **overrides), format="json")
    assert zaaktype.status_code == 201, zaaktype.json()
    url = zaaktype.json()["url"]
    for volgnummer, omschrijving in ((1, "Ontvangen"), (2, "Afgehandeld")):
        response = api.post(f"{API}/statustypen", {"zaaktype": url, "omschrijving": omschrijving,
                                                   "volgnummer": volgnummer}, format="json")
        assert response.status_code == 201, response.json()
    response = api.post(f"{API}/roltypen", {"zaaktype": url, "omschrijving": "Melder",
                                            "omschrijvingGeneriek": "initiator"}, format="json")
    assert response.status_code == 201, response.json()
    response = api.post(f"{API}/resultaattypen", resultaattype_body(url), format="json")
    assert response.status_code == 201, response.json()
    return url


def codes(response) -> dict:
    return {p["name"]: p["code"] for p in response.json().get("invalidParams", [])}
