"""The kernel's API plumbing as a component uses it: auth, scopes, problem+json, pagination,
headers, public URLs, audit trail and outbox, on a small test model."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from components.kernel import testing
from components.kernel.audit.models import AuditTrail
from components.kernel.outbox.models import OutboxMessage
from tests.kernel.testapp.models import Ding

from .conftest import client_with

pytestmark = pytest.mark.django_db
LIST = "/ding/api/v1/dingen"


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "code", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status and body["code"] == code
    return body


def test_no_token_is_401_not_authenticated():
    body = assert_problem(client_with(None).get(LIST), 401, "not_authenticated")
    assert "Traceback" not in body["detail"]


def test_bad_signature_is_401():
    testing.register_client("app", "right")
    from components.kernel.auth.tokens import sign

    assert_problem(client_with(sign("app", "wrong")).get(LIST), 401, "bad-signature")


def test_unknown_client_is_401():
    from components.kernel.auth.tokens import sign

    assert_problem(client_with(sign("nobody", "x")).get(LIST), 401, "unknown-client")


def test_missing_scope_is_403(reader):
    assert_problem(reader.post(LIST, {"naam": "a"}, format="json"), 403, "permission_denied")
    assert not Ding.objects.exists()


def test_scope_for_another_component_does_not_count():
    token = testing.register_client("other", "x", autorisaties=[
        {"component": "zrc", "scopes": ["dingen.lezen"]}])
    assert_problem(client_with(token).get(LIST), 403, "permission_denied")


def test_superuser_may_do_anything():
    token = testing.register_client("root", "x", heeft_alle_autorisaties=True)
    assert client_with(token).get(LIST).status_code == 200


def test_validation_error_names_field_and_reason(writer):
    body = assert_problem(writer.post(LIST, {"naam": "x" * 30}, format="json"), 400, "invalid")
    [param] = body["invalidParams"]
    assert param["name"] == "naam" and param["code"] == "max_length" and param["reason"]


def test_unknown_url_is_problem_404(reader):
    assert_problem(reader.get("/ding/api/v1/bestaat-niet"), 404, "not_found")


def test_unknown_object_is_problem_404(reader):
    assert_problem(reader.get(f"{LIST}/00000000-0000-0000-0000-000000000000"), 404, "not_found")


def test_method_not_allowed_is_problem_405(writer):
    ding = Ding.objects.create(naam="a")
    assert_problem(writer.post(f"{LIST}/{ding.uuid}", {}, format="json"), 405, "method_not_allowed")


def test_unacceptable_accept_is_problem_406(reader):
    response = reader.get(LIST, HTTP_ACCEPT="application/xml")
    assert_problem(response, 406, "not_acceptable")


def test_unsupported_media_type_is_problem_415(writer):
    response = writer.post(LIST, "naam=a", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415, "unsupported_media_type")


def test_unhandled_error_is_500_without_stack_trace(reader, caplog):
    with caplog.at_level(logging.ERROR):
        body = assert_problem(reader.get(f"{LIST}/boom"), 500, "error")
    assert "ZeroDivisionError" not in str(body)
    assert any("unhandled error" in r.message for r in caplog.records)


def test_pagination_shape_and_query_budget(reader):
    Ding.objects.bulk_create(Ding(naam=f"d{i}") for i in range(150))
    with CaptureQueriesContext(connection) as queries:
        body = reader.get(LIST).json()
    assert body["count"] == 150 and len(body["results"]) == 100
    assert body["next"].endswith("?page=2") and body["previous"] is None
    assert len(queries) <= 2


def test_api_version_and_request_id_headers(reader):
    response = reader.get(LIST, HTTP_X_REQUEST_ID="req-123")
    assert response["API-version"] == "9.9.9"
    assert response["X-Request-ID"] == "req-123"
    generated = reader.get(LIST)["X-Request-ID"]
    assert len(generated) == 32


def test_urls_are_public_behind_the_gateway(reader):
    ding = Ding.objects.create(naam="a")
    response = reader.get(f"{LIST}/{ding.uuid}", HTTP_X_FORWARDED_HOST="api.gemeente.nl",
                          HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_PREFIX="/gw")
    assert response.json()["url"] == f"https://api.gemeente.nl/gw/ding/api/v1/dingen/{ding.uuid}"


def test_create_writes_audit_and_outbox_in_one_transaction(writer):
    response = writer.post(LIST, {"naam": "boom"}, format="json", HTTP_X_AUDIT_TOELICHTING="waarom")
    assert response.status_code == 201
    ding = Ding.objects.get()
    audit = AuditTrail.objects.get(hoofd_object_uuid=ding.uuid)
    assert (audit.actie, audit.toelichting, audit.gebruikers_id) == ("create", "waarom", "tester")
    outbox = OutboxMessage.objects.get()
    assert outbox.message["kenmerken"] == {"naam": "boom"}
    assert outbox.message["resourceUrl"] == response.json()["url"]


def test_rolled_back_write_leaves_no_audit_and_no_outbox(writer):
    response = writer.post(LIST, {"naam": "rollback"}, format="json")
    assert response.status_code == 400
    assert not Ding.objects.exists()
    assert not AuditTrail.objects.exists() and not OutboxMessage.objects.exists()


def test_audittrail_lists_changes_of_one_object(writer, reader):
    url = writer.post(LIST, {"naam": "a"}, format="json").json()["url"]
    writer.post(LIST, {"naam": "b"}, format="json")
    uuid = url.rsplit("/", 1)[1]
    trail = reader.get(f"{LIST}/{uuid}/audittrail").json()
    assert isinstance(trail, list) and len(trail) == 1
    assert trail[0]["wijzigingen"]["nieuw"]["naam"] == "a"
    assert trail[0]["hoofdObject"] == url
    detail = reader.get(f"{LIST}/{uuid}/audittrail/{trail[0]['uuid']}").json()
    assert detail["uuid"] == trail[0]["uuid"]


def test_health_endpoints():
    from rest_framework.test import APIClient

    assert APIClient().get("/_health/live").json()["status"] == "ok"
    ready = APIClient().get("/_health/ready").json()
    assert ready["checks"] == {"database": "ok", "redis": "ok"}
