"""Validation rules ztc-001..008 and ztc-015, with the Selectielijst API both configured (a real
local HTTP server) and not configured."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from .conftest import API, codes, complete_zaaktype, resultaattype_body, zaaktype_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def zaaktype(beheerder, catalogus):
    return beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus), format="json").json()["url"]


@pytest.mark.parametrize("brondatum, expected", [
    ({"afleidingswijze": "eigenschap"}, {"brondatumArchiefprocedure.datumkenmerk": "required"}),
    ({"afleidingswijze": "afgehandeld", "datumkenmerk": "x"},
     {"brondatumArchiefprocedure.datumkenmerk": "must-be-empty"}),
    ({"afleidingswijze": "termijn", "procestermijn": "P5Y", "einddatumBekend": True},
     {"brondatumArchiefprocedure.einddatumBekend": "must-be-empty"}),
    ({"afleidingswijze": "zaakobject", "datumkenmerk": "x"}, {"brondatumArchiefprocedure.objecttype": "required"}),
    ({"afleidingswijze": "eigenschap", "datumkenmerk": "x", "objecttype": "pand"},
     {"brondatumArchiefprocedure.objecttype": "must-be-empty"}),
    ({"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "x", "objecttype": "pand"},
     {"brondatumArchiefprocedure.registratie": "required"}),
    ({"afleidingswijze": "afgehandeld", "registratie": "BRP"},
     {"brondatumArchiefprocedure.registratie": "must-be-empty"}),
    ({"afleidingswijze": "termijn"}, {"brondatumArchiefprocedure.procestermijn": "required"}),
    ({"afleidingswijze": "afgehandeld", "procestermijn": "P1Y"},
     {"brondatumArchiefprocedure.procestermijn": "must-be-empty"}),
], ids=["ztc004-required", "ztc004-empty", "ztc005", "ztc006-required", "ztc006-empty", "ztc007-required",
        "ztc007-empty", "ztc008-required", "ztc008-empty"])
def test_brondatum_archiefprocedure_rules(beheerder, zaaktype, brondatum, expected):
    response = beheerder.post(f"{API}/resultaattypen",
                              resultaattype_body(zaaktype, brondatumArchiefprocedure=brondatum), format="json")
    assert response.status_code == 400
    assert codes(response) == expected


@pytest.mark.parametrize("brondatum", [
    {"afleidingswijze": "afgehandeld"},
    {"afleidingswijze": "termijn", "procestermijn": "P5Y"},
    {"afleidingswijze": "eigenschap", "datumkenmerk": "vervaldatum", "einddatumBekend": True},
    {"afleidingswijze": "zaakobject", "datumkenmerk": "x", "objecttype": "pand"},
    {"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "x", "objecttype": "pand", "registratie": "BAG"},
])
def test_valid_brondatum_archiefprocedure_is_stored(beheerder, zaaktype, brondatum):
    response = beheerder.post(f"{API}/resultaattypen",
                              resultaattype_body(zaaktype, brondatumArchiefprocedure=brondatum), format="json")
    assert response.status_code == 201, response.json()
    stored = beheerder.get(response.json()["url"]).json()["brondatumArchiefprocedure"]
    assert {k: stored[k] for k in brondatum} == brondatum


def test_patch_considers_stored_brondatum(beheerder, zaaktype):
    url = beheerder.post(f"{API}/resultaattypen", resultaattype_body(zaaktype), format="json").json()["url"]
    response = beheerder.patch(url, {"brondatumArchiefprocedure": {"afleidingswijze": "termijn"}}, format="json")
    assert codes(response) == {"brondatumArchiefprocedure.procestermijn": "required"}


@pytest.mark.parametrize("formaat, lengte, ok", [
    ("datum", "8", True), ("datum", "10", False), ("datum_tijd", "14", True), ("datum_tijd", "8", False),
    ("tekst", "255", True)])
def test_ztc015_date_eigenschappen_have_fixed_length(beheerder, zaaktype, formaat, lengte, ok):
    response = beheerder.post(f"{API}/eigenschappen", {
        "zaaktype": zaaktype, "naam": "datum", "definitie": "d",
        "specificatie": {"formaat": formaat, "lengte": lengte, "kardinaliteit": "1"}}, format="json")
    if ok:
        assert response.status_code == 201, response.json()
    else:
        assert codes(response) == {"specificatie.lengte": "invalid-length"}


def test_durations_are_iso8601(beheerder, catalogus):
    response = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, doorlooptijd="30 dagen"), format="json")
    assert codes(response) == {"doorlooptijd": "invalid"}
    ok = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, doorlooptijd="P1Y6M"), format="json")
    assert ok.status_code == 201 and ok.json()["doorlooptijd"] == "P1Y6M"


def test_verlengingstermijn_required_when_verlenging_mogelijk(beheerder, catalogus):
    response = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, verlengingMogelijk=True), format="json")
    assert codes(response) == {"verlengingstermijn": "required"}


def test_without_selectielijst_any_well_formed_url_is_accepted(beheerder, catalogus):
    ok = beheerder.post(f"{API}/zaaktypen", zaaktype_body(
        catalogus, selectielijstProcestype="https://elders.example/procestypen/1"), format="json")
    assert ok.status_code == 201
    bad = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, selectielijstProcestype="geen url"),
                         format="json")
    assert codes(bad) == {"selectielijstProcestype": "invalid"}


def test_catalogus_rsin_and_uniqueness(beheerder, catalogus):
    bad = beheerder.post(f"{API}/catalogussen", {"domein": "X", "rsin": "123456789",
                                                 "contactpersoonBeheerNaam": "a"}, format="json")
    assert codes(bad) == {"rsin": "invalid"}
    twice = beheerder.post(f"{API}/catalogussen", {"domein": "ABCDE", "rsin": "000000000",
                                                   "contactpersoonBeheerNaam": "a"}, format="json")
    assert codes(twice) == {"nonFieldErrors": "unique"}


def test_unknown_besluittype_name_is_refused(beheerder, catalogus):
    response = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, besluittypen=["Bestaat niet"]),
                              format="json")
    assert codes(response) == {"besluittypen": "does_not_exist"}


class FakeSelectielijst(BaseHTTPRequestHandler):
    """A tiny Selectielijst API: one procestype, two resultaten, one resultaattypeomschrijving."""

    def do_GET(self):  # noqa: N802
        base = f"http://127.0.0.1:{self.server.server_port}/api/v1"
        documents = {
            "/api/v1/procestypen/1": {"url": f"{base}/procestypen/1", "nummer": 1},
            "/api/v1/procestypen/2": {"url": f"{base}/procestypen/2", "nummer": 2},
            "/api/v1/resultaten/1": {"procesType": f"{base}/procestypen/1", "waardering": "vernietigen",
                                     "bewaartermijn": "P10Y", "procestermijn": "nihil"},
            "/api/v1/resultaattypeomschrijvingen/1": {"omschrijving": "Toegekend"},
        }
        body = documents.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def selectielijst(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeSelectielijst)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SELECTIELIJST_API_URL = f"http://127.0.0.1:{server.server_port}/api/v1"
    yield settings.SELECTIELIJST_API_URL
    server.shutdown()


def test_ztc001_procestype_must_exist_in_configured_selectielijst(beheerder, catalogus, selectielijst):
    elsewhere = beheerder.post(f"{API}/zaaktypen", zaaktype_body(
        catalogus, selectielijstProcestype="https://elders.example/procestypen/1"), format="json")
    assert codes(elsewhere) == {"selectielijstProcestype": "invalid-resource"}
    missing = beheerder.post(f"{API}/zaaktypen", zaaktype_body(
        catalogus, selectielijstProcestype=f"{selectielijst}/procestypen/99"), format="json")
    assert codes(missing) == {"selectielijstProcestype": "bad-url"}
    ok = beheerder.post(f"{API}/zaaktypen", zaaktype_body(
        catalogus, selectielijstProcestype=f"{selectielijst}/procestypen/1"), format="json")
    assert ok.status_code == 201, ok.json()


def test_ztc002_ztc003_resultaattype_against_selectielijst(beheerder, catalogus, selectielijst):
    zaaktype = beheerder.post(f"{API}/zaaktypen", zaaktype_body(
        catalogus, selectielijstProcestype=f"{selectielijst}/procestypen/1"), format="json").json()["url"]
    body = resultaattype_body(zaaktype, resultaattypeomschrijving=f"{selectielijst}/resultaattypeomschrijvingen/1",
                              selectielijstklasse=f"{selectielijst}/resultaten/1")
    del body["archiefnominatie"], body["archiefactietermijn"]
    created = beheerder.post(f"{API}/resultaattypen", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    # omschrijvingGeneriek from the referentielijst; archiving derived from the selectielijstklasse
    assert (data["omschrijvingGeneriek"], data["archiefnominatie"], data["archiefactietermijn"]) == (
        "Toegekend", "vernietigen", "P10Y")
    # ztc-003: procestermijn nihil demands afleidingswijze afgehandeld
    wrong = beheerder.post(f"{API}/resultaattypen", {**body, "brondatumArchiefprocedure": {
        "afleidingswijze": "termijn", "procestermijn": "P1Y"}}, format="json")
    assert codes(wrong) == {"brondatumArchiefprocedure.afleidingswijze": "invalid-afleidingswijze"}
    # ztc-002: the klasse must belong to the zaaktype's procestype
    other = beheerder.post(f"{API}/zaaktypen", zaaktype_body(
        catalogus, identificatie="ZT-2", selectielijstProcestype=f"{selectielijst}/procestypen/2"),
        format="json").json()["url"]
    mismatch = beheerder.post(f"{API}/resultaattypen", {**body, "zaaktype": other}, format="json")
    assert codes(mismatch) == {"selectielijstklasse": "procestype-mismatch"}
    assert complete_zaaktype  # the helper stays importable for the other modules
