"""Reading the catalogus: filters (status, datumGeldigheid, name-based relations), expand, HTTP
caching, and a committed query budget per list endpoint."""

import datetime
import json
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from components.cases.catalogi.models import (
    BesluitType,
    Catalogus,
    Eigenschap,
    InformatieObjectType,
    ResultaatType,
    RolType,
    StatusType,
    ZaakObjectType,
    ZaakType,
    ZaakTypeInformatieObjectType,
)

from .conftest import API, besluittype_body, codes, complete_zaaktype

pytestmark = pytest.mark.django_db


def publish(api, url):
    response = api.post(f"{url}/publish", format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_status_filter_defaults_to_definitief(beheerder, catalogus):
    concept = complete_zaaktype(beheerder, catalogus)
    published = complete_zaaktype(beheerder, catalogus, identificatie="ZT-2")
    publish(beheerder, published)

    def urls(**params):
        return [z["url"] for z in beheerder.get(f"{API}/zaaktypen", params).json()["results"]]

    assert urls() == [published]
    assert urls(status="definitief") == [published]
    assert urls(status="concept") == [concept]
    assert urls(status="alles") == [concept, published]
    # the parts follow their zaaktype's status
    statustypen = beheerder.get(f"{API}/statustypen", {"status": "concept"}).json()["results"]
    assert {s["zaaktype"] for s in statustypen} == {concept}
    assert beheerder.get(f"{API}/zaaktypen", {"status": "ongeveer"}).status_code == 400


def test_datum_geldigheid_selects_the_version(beheerder, catalogus):
    old = complete_zaaktype(beheerder, catalogus, eindeGeldigheid="2024-06-30")
    publish(beheerder, old)
    new = complete_zaaktype(beheerder, catalogus, beginGeldigheid="2024-07-01", versiedatum="2024-07-01")
    publish(beheerder, new)

    def on(day):
        params = {"identificatie": "ZT-1", "datumGeldigheid": day}
        return [z["url"] for z in beheerder.get(f"{API}/zaaktypen", params).json()["results"]]

    assert on("2024-06-30") == [old]
    assert on("2024-07-01") == [new]
    assert on("2023-12-31") == []
    rollen = beheerder.get(f"{API}/roltypen", {"datumGeldigheid": "2024-03-01"}).json()["results"]
    assert [r["zaaktype"] for r in rollen] == [old]


def test_name_based_relations_follow_the_valid_published_version(beheerder, forceerder, catalogus):
    v1 = beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus, eindeGeldigheid="2024-12-31"),
                        format="json").json()["url"]
    publish(beheerder, v1)
    v2 = beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus, beginGeldigheid="2025-01-01"),
                        format="json").json()["url"]
    publish(beheerder, v2)
    # by URL of any version: stored as its omschrijving
    zaaktype = complete_zaaktype(beheerder, catalogus, besluittypen=[v1])
    publish(beheerder, zaaktype)
    assert beheerder.get(zaaktype, {"datumGeldigheid": "2024-05-01"}).json()["besluittypen"] == [v1]
    assert beheerder.get(zaaktype, {"datumGeldigheid": "2025-05-01"}).json()["besluittypen"] == [v2]
    assert beheerder.get(zaaktype).json()["besluittypeOmschrijving"] == ["Vergunning"]
    filtered = beheerder.get(f"{API}/besluittypen", {"zaaktypen": zaaktype, "status": "alles"}).json()
    assert [b["url"] for b in filtered["results"]] == [v1, v2]


def test_deelzaaktypen_and_gerelateerde_zaaktypen_by_identificatie(beheerder, catalogus):
    deel = complete_zaaktype(beheerder, catalogus, identificatie="DEEL")
    publish(beheerder, deel)
    hoofd = complete_zaaktype(beheerder, catalogus, identificatie="HOOFD", deelzaaktypen=["DEEL"],
                              gerelateerdeZaaktypen=[{"zaaktype": deel, "aardRelatie": "vervolg"}])
    body = beheerder.get(hoofd).json()
    assert body["deelzaaktypen"] == [deel] and body["deelzaaktypeIdentificaties"] == ["DEEL"]
    assert body["gerelateerdeZaaktypen"] == [{"zaaktype": deel, "zaaktypeIdentificatie": "DEEL",
                                              "aardRelatie": "vervolg", "toelichting": ""}]


def test_other_filters(beheerder, catalogus):
    zaaktype = complete_zaaktype(beheerder, catalogus, trefwoorden=["boom", "straat"])
    publish(beheerder, zaaktype)
    assert beheerder.get(f"{API}/zaaktypen", {"trefwoorden": "boom"}).json()["count"] == 1
    assert beheerder.get(f"{API}/zaaktypen", {"trefwoorden": "boom,gras"}).json()["count"] == 0
    assert beheerder.get(f"{API}/zaaktypen", {"catalogus": catalogus}).json()["count"] == 1
    bad = beheerder.get(f"{API}/zaaktypen", {"catalogus": "geen-url"})
    assert bad.status_code == 400 and codes(bad) == {"catalogus": "invalid"}
    assert beheerder.get(f"{API}/roltypen", {"omschrijvingGeneriek": "initiator"}).json()["count"] == 1
    assert beheerder.get(f"{API}/roltypen", {"omschrijvingGeneriek": "beslisser"}).json()["count"] == 0
    assert beheerder.get(f"{API}/resultaattypen", {"zaaktypeIdentificatie": "ZT-1"}).json()["count"] == 1
    assert beheerder.get(f"{API}/resultaattypen", {"zaaktype_identificatie": "ZT-9"}).json()["count"] == 0
    assert beheerder.get(f"{API}/catalogussen", {"domein__in": "ABCDE,XYZ"}).json()["count"] == 1
    assert beheerder.get(f"{API}/catalogussen", {"rsin": "111222333"}).json()["count"] == 0


def test_is_eindstatus(beheerder, catalogus):
    zaaktype = complete_zaaktype(beheerder, catalogus)
    statustypen = beheerder.get(f"{API}/statustypen", {"zaaktype": zaaktype, "status": "alles"}).json()["results"]
    assert [(s["volgnummer"], s["isEindstatus"]) for s in statustypen] == [(1, False), (2, True)]


def test_expand_nested(beheerder, catalogus):
    zaaktype = complete_zaaktype(beheerder, catalogus)
    body = beheerder.get(zaaktype, {"expand": "catalogus,statustypen.zaaktype,roltypen"}).json()
    expanded = body["_expand"]
    assert expanded["catalogus"]["url"] == catalogus
    assert [s["volgnummer"] for s in expanded["statustypen"]] == [1, 2]
    assert expanded["statustypen"][0]["_expand"]["zaaktype"]["url"] == zaaktype
    assert expanded["roltypen"][0]["omschrijvingGeneriek"] == "initiator"
    listed = beheerder.get(f"{API}/statustypen", {"status": "alles", "expand": "zaaktype"}).json()["results"]
    assert all(s["_expand"]["zaaktype"]["url"] == zaaktype for s in listed)
    bad = beheerder.get(zaaktype, {"expand": "onbekend"})
    assert bad.status_code == 400 and codes(bad) == {"expand": "invalid-expand"}


def test_etag_if_none_match_and_head(beheerder, catalogus):
    first = beheerder.get(catalogus)
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    assert beheerder.get(catalogus)["ETag"] == etag
    not_modified = beheerder.get(catalogus, HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert beheerder.get(catalogus, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    head = beheerder.head(catalogus)
    assert head.status_code == 200 and head["ETag"] == etag and head.content == b""
    beheerder.patch(catalogus, {"naam": "Nieuw"}, format="json")
    assert beheerder.get(catalogus, HTTP_IF_NONE_MATCH=etag).status_code == 200
    # another public host is another representation, so another ETag
    assert beheerder.get(catalogus, HTTP_X_FORWARDED_HOST="gateway.example")["ETag"] != etag


BUDGETS = json.load(open(os.path.join(os.path.dirname(__file__), "query_budgets.json")))


def _hundred_of_everything():
    """100 published items per resource, in one catalogus, with their relations filled in."""
    catalogus = Catalogus.objects.create(domein="BENCH", rsin="000000000", contactpersoon_beheer_naam="b")
    day = datetime.date(2024, 1, 1)
    common = {"catalogus": catalogus, "concept": False, "begin_geldigheid": day}
    iots = InformatieObjectType.objects.bulk_create(InformatieObjectType(
        omschrijving=f"iot{i}", vertrouwelijkheidaanduiding="openbaar", informatieobjectcategorie="c", **common)
        for i in range(100))
    besluittypen = BesluitType.objects.bulk_create(BesluitType(
        omschrijving=f"bt{i}", informatieobjecttype_omschrijvingen=[f"iot{i}"], **common) for i in range(100))
    zaaktypen = ZaakType.objects.bulk_create(ZaakType(
        identificatie=f"zt{i}", omschrijving="z", vertrouwelijkheidaanduiding="openbaar", doel="d", aanleiding="a",
        indicatie_intern_of_extern="extern", handeling_initiator="h", onderwerp="o", handeling_behandelaar="h",
        doorlooptijd="P1D", referentieproces_naam="r", verantwoordelijke="v", versiedatum=day,
        besluittype_omschrijvingen=[f"bt{i}"], deelzaaktype_identificaties=[f"zt{(i + 1) % 100}"], **common)
        for i in range(100))
    for i, zaaktype in enumerate(zaaktypen):
        StatusType.objects.create(zaaktype=zaaktype, omschrijving="s", volgnummer=1)
        RolType.objects.create(zaaktype=zaaktype, omschrijving="r", omschrijving_generiek="initiator")
        resultaattype = ResultaatType.objects.create(zaaktype=zaaktype, omschrijving="r",
                                                     resultaattypeomschrijving="https://x.example/1",
                                                     selectielijstklasse="https://x.example/2")
        resultaattype.besluittypen.set([besluittypen[i]])
        resultaattype.informatieobjecttypen.set([iots[i]])
        Eigenschap.objects.create(zaaktype=zaaktype, naam="e", definitie="d", specificatie_formaat="tekst",
                                  specificatie_lengte="1", specificatie_kardinaliteit="1")
        ZaakObjectType.objects.create(zaaktype=zaaktype, objecttype="https://x.example/o", relatie_omschrijving="r")
        ZaakTypeInformatieObjectType.objects.create(zaaktype=zaaktype, informatieobjecttype_omschrijving=f"iot{i}",
                                                    volgnummer=1, richting="inkomend")
    for i in range(99):
        Catalogus.objects.create(domein=f"D{i}", rsin="000000000", contactpersoon_beheer_naam="b")


@pytest.mark.parametrize("resource", sorted(k for k in BUDGETS if not k.startswith("_")))
def test_list_query_budget(beheerder, resource):
    _hundred_of_everything()
    beheerder.get(f"{API}/{resource}")  # warm the token cache
    with CaptureQueriesContext(connection) as queries:
        response = beheerder.get(f"{API}/{resource}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100
    assert len(queries) <= BUDGETS[resource], "\n".join(q["sql"][:200] for q in queries)


def test_detail_query_budget(beheerder, catalogus):
    zaaktype = complete_zaaktype(beheerder, catalogus)
    beheerder.get(zaaktype)  # warm the token cache
    with CaptureQueriesContext(connection) as queries:
        assert beheerder.get(zaaktype).status_code == 200
    assert len(queries) == 1, "\n".join(q["sql"][:200] for q in queries)  # relations resolved in the one query
    with CaptureQueriesContext(connection) as queries:
        body = beheerder.get(zaaktype, {"expand": "catalogus,statustypen,roltypen"}).json()
    assert len(body["_expand"]["statustypen"]) == 2
    assert len(queries) == 4  # the zaaktype, then one query per expanded field
