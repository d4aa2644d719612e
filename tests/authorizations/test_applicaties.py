"""The Autorisaties API 1.1.0: applicaties CRUD, filters, consumer lookup and rules ac-001..003."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from components.authorizations.models import Applicatie, ClientCredential
from components.kernel.audit.models import AuditTrail
from components.kernel.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
LIST = "/autorisaties/api/v1/applicaties"
ZAAKTYPE = "https://catalogi.example/catalogi/api/v1/zaaktypen/0d5c0b43-9b1f-4e4b-9bd8-5a1d3b1c2f00"


def applicatie_body(**overrides):
    body = {
        "clientIds": ["zaaksysteem"],
        "label": "Zaaksysteem",
        "heeftAlleAutorisaties": False,
        "autorisaties": [{
            "component": "zrc",
            "scopes": ["zaken.lezen", "zaken.aanmaken"],
            "zaaktype": ZAAKTYPE,
            "maxVertrouwelijkheidaanduiding": "openbaar",
        }],
    }
    body.update(overrides)
    return body


def error_codes(response) -> dict:
    return {p["name"]: p["code"] for p in response.json()["invalidParams"]}


def test_create_read_update_delete(admin_api):
    created = admin_api.post(LIST, applicatie_body(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert created["Location"] == body["url"]
    assert body["clientIds"] == ["zaaksysteem"] and body["alleenIsGereedVoorPublicatie"] is False
    [autorisatie] = body["autorisaties"]
    assert autorisatie["componentWeergave"] == "Zaken API"
    assert autorisatie["maxVertrouwelijkheidaanduiding"] == "openbaar"

    assert admin_api.get(body["url"]).json() == body

    updated = admin_api.put(body["url"], applicatie_body(label="Nieuw", autorisaties=[
        {"component": "ztc", "scopes": ["catalogi.lezen"]}]), format="json")
    assert updated.status_code == 200, updated.json()
    assert updated.json()["label"] == "Nieuw"
    assert [a["component"] for a in updated.json()["autorisaties"]] == ["ztc"]

    patched = admin_api.patch(body["url"], {"alleenIsGereedVoorPublicatie": True}, format="json")
    assert patched.status_code == 200 and patched.json()["alleenIsGereedVoorPublicatie"] is True
    assert patched.json()["autorisaties"][0]["component"] == "ztc"

    assert admin_api.delete(body["url"]).status_code == 204
    assert admin_api.get(body["url"]).status_code == 404


def test_each_write_records_audit_and_outbox(admin_api):
    url = admin_api.post(LIST, applicatie_body(), format="json").json()["url"]
    admin_api.patch(url, {"label": "X"}, format="json")
    admin_api.delete(url)
    assert list(AuditTrail.objects.values_list("actie", flat=True)) == [
        "create", "partial_update", "destroy"]
    messages = [m.message for m in OutboxMessage.objects.order_by("id")]
    assert [m["actie"] for m in messages] == ["create", "partial_update", "destroy"]
    assert {m["kanaal"] for m in messages} == {"autorisaties"}
    assert all(m["resource"] == "applicatie" and m["hoofdObject"] == url for m in messages)


def test_ac001_client_id_belongs_to_one_applicatie(admin_api):
    assert admin_api.post(LIST, applicatie_body(), format="json").status_code == 201
    response = admin_api.post(LIST, applicatie_body(clientIds=["ander", "zaaksysteem"]), format="json")
    assert response.status_code == 400
    assert error_codes(response) == {"clientIds": "clientId-exists"}
    assert Applicatie.objects.filter(label="Zaaksysteem").count() == 1


def test_ac001_applies_to_updates_too(admin_api):
    admin_api.post(LIST, applicatie_body(), format="json")
    other = admin_api.post(LIST, applicatie_body(clientIds=["ander"]), format="json").json()
    response = admin_api.patch(other["url"], {"clientIds": ["zaaksysteem"]}, format="json")
    assert error_codes(response) == {"clientIds": "clientId-exists"}


def test_ac002_both_is_ambiguous(admin_api):
    response = admin_api.post(LIST, applicatie_body(heeftAlleAutorisaties=True), format="json")
    assert error_codes(response) == {"nonFieldErrors": "ambiguous-authorizations-specified"}


def test_ac002_neither_is_missing(admin_api):
    response = admin_api.post(LIST, applicatie_body(autorisaties=[]), format="json")
    assert error_codes(response) == {"nonFieldErrors": "missing-authorizations"}
    response = admin_api.post(LIST, {"clientIds": ["x"], "label": "x"}, format="json")
    assert error_codes(response) == {"nonFieldErrors": "missing-authorizations"}


def test_ac002_on_patch_considers_stored_autorisaties(admin_api):
    url = admin_api.post(LIST, applicatie_body(), format="json").json()["url"]
    response = admin_api.patch(url, {"heeftAlleAutorisaties": True}, format="json")
    assert error_codes(response) == {"nonFieldErrors": "ambiguous-authorizations-specified"}
    ok = admin_api.patch(url, {"heeftAlleAutorisaties": True, "autorisaties": []}, format="json")
    assert ok.status_code == 200 and ok.json()["autorisaties"] == []


@pytest.mark.parametrize("component, present, missing", [
    ("zrc", {}, {"zaaktype", "maxVertrouwelijkheidaanduiding"}),
    ("zrc", {"zaaktype": ZAAKTYPE}, {"maxVertrouwelijkheidaanduiding"}),
    ("drc", {"maxVertrouwelijkheidaanduiding": "geheim"}, {"informatieobjecttype"}),
    ("brc", {}, {"besluittype"}),
])
def test_ac003_component_specific_fields_are_required(admin_api, component, present, missing):
    autorisatie = {"component": component, "scopes": ["iets.lezen"], **present}
    response = admin_api.post(LIST, applicatie_body(autorisaties=[autorisatie]), format="json")
    assert response.status_code == 400
    assert error_codes(response) == {f"autorisaties.0.{f}": "required" for f in missing}
    assert not Applicatie.objects.filter(label="Zaaksysteem").exists()


def test_ac003_other_components_need_only_scopes(admin_api):
    body = applicatie_body(autorisaties=[{"component": "nrc", "scopes": ["notificaties.consumeren"]}])
    assert admin_api.post(LIST, body, format="json").status_code == 201


def test_invalid_enum_is_named(admin_api):
    body = applicatie_body()
    body["autorisaties"][0]["maxVertrouwelijkheidaanduiding"] = "supergeheim"
    response = admin_api.post(LIST, body, format="json")
    assert error_codes(response) == {"autorisaties.0.maxVertrouwelijkheidaanduiding": "invalid_choice"}


def test_filter_on_client_ids(admin_api):
    admin_api.post(LIST, applicatie_body(), format="json")
    admin_api.post(LIST, applicatie_body(clientIds=["portaal", "portaal-test"]), format="json")
    found = admin_api.get(LIST, {"clientIds": "portaal-test"}).json()
    assert [a["clientIds"] for a in found["results"]] == [["portaal", "portaal-test"]]
    both = admin_api.get(LIST, {"clientIds": "portaal,zaaksysteem"}).json()
    assert both["count"] == 2


def test_consumer_finds_applicatie_by_client_id(admin_api):
    created = admin_api.post(LIST, applicatie_body(), format="json").json()
    response = admin_api.get(f"{LIST}/consumer", {"clientId": "zaaksysteem"})
    assert response.status_code == 200 and response.json() == created
    assert admin_api.get(f"{LIST}/consumer", {"clientId": "onbekend"}).status_code == 404
    missing = admin_api.get(f"{LIST}/consumer")
    assert missing.status_code == 400 and error_codes(missing) == {"clientId": "required"}


def test_reader_may_read_but_not_write(reader_api):
    assert reader_api.get(LIST).status_code == 200
    response = reader_api.post(LIST, applicatie_body(), format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_secrets_never_appear_in_responses(admin_api):
    body = admin_api.get(LIST).content.decode()
    for credential in ClientCredential.objects.all():
        assert credential.secret not in body


def test_list_query_budget(admin_api):
    for i in range(100):
        admin_api.post(LIST, applicatie_body(clientIds=[f"c{i}"], label=f"a{i}"), format="json")
    with CaptureQueriesContext(connection) as queries:
        response = admin_api.get(LIST)
    assert response.json()["count"] == 101
    # count + page + prefetch of autorisaties; authentication is cached.
    assert len(queries) <= 3, [q["sql"] for q in queries]
