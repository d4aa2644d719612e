"""Concept/publish life cycle: publish completeness, ztc-009/010 forced-write matrix, ztc-016 versions,
audit and outbox rows per write."""

import pytest
from rest_framework.test import APIClient

from components.kernel import testing
from components.kernel.audit.models import AuditTrail
from components.kernel.outbox.models import OutboxMessage

from .conftest import API, besluittype_body, codes, complete_zaaktype, iot_body, zaaktype_body

pytestmark = pytest.mark.django_db


def test_publish_a_complete_zaaktype(beheerder, catalogus):
    url = complete_zaaktype(beheerder, catalogus)
    assert beheerder.get(url).json()["concept"] is True
    published = beheerder.post(f"{url}/publish", format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["concept"] is False
    again = beheerder.post(f"{url}/publish", format="json")
    assert again.status_code == 400 and codes(again) == {"nonFieldErrors": "non-concept-object"}


def test_publish_requires_statustypen_roltype_and_resultaattype(beheerder, catalogus):
    url = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus), format="json").json()["url"]
    beheerder.post(f"{API}/statustypen", {"zaaktype": url, "omschrijving": "Enige", "volgnummer": 1}, format="json")
    response = beheerder.post(f"{url}/publish", format="json")
    assert response.status_code == 400
    assert codes(response) == {"statustypen": "missing-statustypen", "roltypen": "missing-roltypen",
                               "resultaattypen": "missing-resultaattypen"}
    assert beheerder.get(url).json()["concept"] is True


def test_publish_requires_related_types_published(beheerder, catalogus):
    beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus), format="json")
    iot = beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus), format="json").json()["url"]
    url = complete_zaaktype(beheerder, catalogus, besluittypen=["Vergunning"])
    ziot = beheerder.post(f"{API}/zaaktype-informatieobjecttypen", {
        "zaaktype": url, "informatieobjecttype": "Aanvraag", "volgnummer": 1, "richting": "inkomend"},
        format="json")
    assert ziot.status_code == 201, ziot.json()
    response = beheerder.post(f"{url}/publish", format="json")
    assert codes(response) == {"besluittypen": "concept-relation", "informatieobjecttypen": "concept-relation"}

    assert beheerder.post(f"{iot}/publish", format="json").status_code == 200
    besluittype = beheerder.get(f"{API}/besluittypen", {"status": "concept"}).json()["results"][0]["url"]
    assert beheerder.post(f"{besluittype}/publish", format="json").status_code == 200
    published = beheerder.post(f"{url}/publish", format="json")
    assert published.status_code == 200, published.json()
    body = published.json()
    assert body["besluittypen"] == [besluittype] and body["besluittypeOmschrijving"] == ["Vergunning"]
    assert body["informatieobjecttypen"] == [iot] and body["informatieobjecttypeOmschrijving"] == ["Aanvraag"]
    # the reverse relations, by name, of the published versions
    assert beheerder.get(iot).json()["zaaktypen"] == [url]
    assert beheerder.get(besluittype).json()["zaaktypen"] == [url]
    assert beheerder.get(ziot.json()["url"]).json()["informatieobjecttype"] == iot


def test_besluittype_publish_requires_published_informatieobjecttypen(beheerder, catalogus):
    beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus), format="json")
    url = beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus, informatieobjecttypen=["Aanvraag"]),
                         format="json").json()["url"]
    response = beheerder.post(f"{url}/publish", format="json")
    assert codes(response) == {"informatieobjecttypen": "concept-relation"}


def _published(api, kind: str, catalogus: str) -> str:
    if kind == "zaaktypen":
        url = complete_zaaktype(api, catalogus)
    else:
        body = iot_body(catalogus) if kind == "informatieobjecttypen" else besluittype_body(catalogus)
        url = api.post(f"{API}/{kind}", body, format="json").json()["url"]
    assert api.post(f"{url}/publish", format="json").status_code == 200
    return url


@pytest.mark.parametrize("kind", ["zaaktypen", "informatieobjecttypen", "besluittypen"])
def test_ztc009_published_types_need_forced_scopes(beheerder, forceerder, catalogus, kind):
    url = _published(beheerder, kind, catalogus)
    body = beheerder.get(url).json()
    patch = beheerder.patch(url, {"toelichting" if kind != "informatieobjecttypen" else "trefwoord":
                                  "x" if kind != "informatieobjecttypen" else ["x"]}, format="json")
    assert patch.status_code == 403 and patch.json()["code"] == "non-concept-object"
    delete = beheerder.delete(url)
    assert delete.status_code == 403 and delete.json()["code"] == "non-concept-object"
    # eindeGeldigheid alone may be set without correction rights
    ended = beheerder.patch(url, {"eindeGeldigheid": "2030-12-31"}, format="json")
    assert ended.status_code == 200 and ended.json()["eindeGeldigheid"] == "2030-12-31"
    # a correction with geforceerd-schrijven, a deletion with geforceerd-verwijderen
    corrected = forceerder.patch(url, {"beginObject": "2020-01-01"}, format="json")
    assert corrected.status_code == 200, corrected.json()
    assert forceerder.delete(url).status_code == 204
    assert beheerder.get(url).status_code == 404
    assert body["concept"] is False


@pytest.mark.parametrize("kind", ["zaaktypen", "informatieobjecttypen", "besluittypen"])
def test_concepts_may_be_edited_and_deleted(beheerder, catalogus, kind):
    if kind == "zaaktypen":
        url = complete_zaaktype(beheerder, catalogus)
    else:
        body = iot_body(catalogus) if kind == "informatieobjecttypen" else besluittype_body(catalogus)
        url = beheerder.post(f"{API}/{kind}", body, format="json").json()["url"]
    assert beheerder.patch(url, {"beginObject": "2020-01-01"}, format="json").status_code == 200
    assert beheerder.delete(url).status_code == 204


PARTS = {
    "statustypen": {"omschrijving": "Extra", "volgnummer": 9},
    "roltypen": {"omschrijving": "Adviseur", "omschrijvingGeneriek": "adviseur"},
    "eigenschappen": {"naam": "kleur", "definitie": "kleur", "specificatie": {
        "formaat": "tekst", "lengte": "10", "kardinaliteit": "1"}},
    "zaakobjecttypen": {"anderObjecttype": False, "objecttype": "https://objecttypen.example/1",
                        "relatieOmschrijving": "betreft"},
    "resultaattypen": {"omschrijving": "Extra", "resultaattypeomschrijving": "https://x.example/1",
                       "selectielijstklasse": "https://x.example/2",
                       "brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld"}},
}


@pytest.mark.parametrize("resource", sorted(PARTS))
def test_ztc010_parts_of_published_zaaktype(beheerder, forceerder, catalogus, resource):
    url = _published(beheerder, "zaaktypen", catalogus)
    body = {"zaaktype": url, **PARTS[resource]}
    if resource == "zaakobjecttypen":
        body["catalogus"] = catalogus
    refused = beheerder.post(f"{API}/{resource}", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "non-concept-zaaktype"
    created = forceerder.post(f"{API}/{resource}", body, format="json")
    assert created.status_code == 201, created.json()
    part = created.json()["url"]
    patch = beheerder.patch(part, {}, format="json")
    assert patch.status_code == 403 and patch.json()["code"] == "non-concept-zaaktype"
    delete = beheerder.delete(part)
    assert delete.status_code == 403 and delete.json()["code"] == "non-concept-zaaktype"
    assert forceerder.patch(part, {}, format="json").status_code == 200
    assert forceerder.delete(part).status_code == 204


def test_ztc010_zaaktype_informatieobjecttype(beheerder, forceerder, catalogus):
    beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus), format="json")
    url = _published(beheerder, "zaaktypen", catalogus)
    body = {"zaaktype": url, "informatieobjecttype": "Aanvraag", "volgnummer": 1, "richting": "inkomend"}
    refused = beheerder.post(f"{API}/zaaktype-informatieobjecttypen", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "non-concept-zaaktype"
    assert forceerder.post(f"{API}/zaaktype-informatieobjecttypen", body, format="json").status_code == 201


def test_reader_cannot_write(lezer, beheerder, catalogus):
    assert lezer.get(f"{API}/zaaktypen").status_code == 200
    response = lezer.post(f"{API}/zaaktypen", zaaktype_body(catalogus), format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def _client_with(client_id: str, autorisatie: dict) -> APIClient:
    token = testing.register_client(client_id, f"secret-{client_id}", autorisaties=[autorisatie])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.mark.parametrize("component, scope", [("zrc", "zaken.lezen"), ("drc", "documenten.lezen")])
def test_ztc014_zaken_and_documenten_readers_read_the_catalogus(beheerder, catalogus, component, scope):
    zaaktype = complete_zaaktype(beheerder, catalogus)
    reader = _client_with(f"{component}-reader", {"component": component, "scopes": [scope], "zaaktype": zaaktype,
                                                   "max_vertrouwelijkheidaanduiding": "openbaar"})
    assert reader.get(f"{API}/zaaktypen", {"status": "alles"}).json()["count"] == 1
    assert reader.get(zaaktype).status_code == 200 and reader.head(zaaktype).status_code == 200
    assert reader.get(catalogus, {"expand": "zaaktypen"}).json()["_expand"]["zaaktypen"][0]["url"] == zaaktype
    refused = reader.post(f"{API}/zaaktypen", zaaktype_body(catalogus, identificatie="ANDER"), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert reader.patch(zaaktype, {"doel": "anders"}, format="json").status_code == 403


def test_ztc014_only_the_read_scopes(beheerder, catalogus):
    writer = _client_with("zrc-writer", {"component": "zrc", "scopes": ["zaken.aanmaken"]})
    assert writer.get(f"{API}/zaaktypen").status_code == 403
    elsewhere = _client_with("brc-reader", {"component": "brc", "scopes": ["zaken.lezen"]})
    assert elsewhere.get(f"{API}/zaaktypen").status_code == 403


def test_no_token_is_401(client, db):
    assert client.get(f"{API}/zaaktypen").status_code == 401


def test_ztc016_published_versions_must_not_overlap(beheerder, catalogus):
    first = _published(beheerder, "zaaktypen", catalogus)
    second = complete_zaaktype(beheerder, catalogus, beginGeldigheid="2025-01-01", versiedatum="2025-01-01")
    overlap = beheerder.post(f"{second}/publish", format="json")
    assert overlap.status_code == 400 and codes(overlap) == {"beginGeldigheid": "overlap"}
    assert beheerder.get(second).json()["concept"] is True
    # close the first version the day before: now the second publishes
    assert beheerder.patch(first, {"eindeGeldigheid": "2024-12-31"}, format="json").status_code == 200
    assert beheerder.post(f"{second}/publish", format="json").status_code == 200
    # and the first may not be stretched back over it
    stretched = beheerder.patch(first, {"eindeGeldigheid": "2025-06-30"}, format="json")
    assert stretched.status_code == 400 and codes(stretched) == {"beginGeldigheid": "overlap"}


def test_einde_before_begin_is_refused(beheerder, catalogus):
    response = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, eindeGeldigheid="2023-01-01"),
                              format="json")
    assert response.status_code == 400 and codes(response) == {"eindeGeldigheid": "date-mismatch"}


def test_writes_record_audit_and_notify_with_catalogus_kenmerk(beheerder, catalogus):
    url = complete_zaaktype(beheerder, catalogus)
    beheerder.patch(url, {"toelichting": "x"}, format="json")
    beheerder.post(f"{url}/publish", format="json")
    messages = [m.message for m in OutboxMessage.objects.filter(kanaal="zaaktypen").order_by("id")]
    assert [m["actie"] for m in messages] == ["create", "partial_update", "publish"]
    assert all(m["kenmerken"] == {"catalogus": catalogus} and m["resource"] == "zaaktype" for m in messages)
    assert all(m["hoofdObject"] == url for m in messages)
    audit = AuditTrail.objects.filter(hoofd_object=url).values_list("resource", "actie")
    assert ("statustype", "create") in audit and ("zaaktype", "publish") in audit

    iot = beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus), format="json").json()["url"]
    bt = beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus), format="json").json()["url"]
    assert OutboxMessage.objects.get(kanaal="informatieobjecttypen").message["resourceUrl"] == iot
    assert OutboxMessage.objects.get(kanaal="besluittypen").message["kenmerken"] == {"catalogus": catalogus}
    assert bt


def test_failed_write_leaves_no_trace(beheerder, catalogus):
    url = complete_zaaktype(beheerder, catalogus)
    before = (AuditTrail.objects.count(), OutboxMessage.objects.count())
    beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, doorlooptijd="dertig dagen"), format="json")
    beheerder.post(f"{url}/publish", format="json")  # succeeds
    beheerder.post(f"{url}/publish", format="json")  # refused
    assert (AuditTrail.objects.count(), OutboxMessage.objects.count()) == (before[0] + 1, before[1] + 1)
