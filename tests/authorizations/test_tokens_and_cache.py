"""The authorizations component as token authority: introspection, service access, and how fast
a changed or deleted applicatie takes effect (within 5 seconds, through the real caches)."""

import time

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from components.authorizations.models import Applicatie, ClientCredential
from components.kernel.auth.introspection import HttpIntrospector, ServiceCredentials
from components.kernel.auth.tokens import sign
from components.kernel.auth.verification import TokenVerifier

from .conftest import make_client

LIST = "/autorisaties/api/v1/applicaties"
INTROSPECT = "/autorisaties/internal/v1/introspect"


def service_api() -> APIClient:
    call_command("bootstrap", "--no-demo")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {sign(settings.SERVICE_CLIENT_ID, settings.SERVICE_SECRET)}")
    return api


@pytest.mark.django_db
def test_introspection_answers_claims_and_rights_but_never_the_secret():
    make_client("zaaksysteem", scopes=["autorisaties.lezen"])
    credential = ClientCredential.objects.get(client_id="zaaksysteem")
    token = sign("zaaksysteem", credential.secret, user_id="u1")
    response = service_api().post(INTROSPECT, {"token": token}, format="json")
    body = response.json()
    assert body["active"] is True
    assert body["claims"]["client_id"] == "zaaksysteem" and body["claims"]["user_id"] == "u1"
    assert body["applicatie"]["autorisaties"][0]["scopes"] == ["autorisaties.lezen"]
    assert credential.secret not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("make_token, code", [
    (lambda secret: sign("zaaksysteem", "verkeerd"), "bad-signature"),
    (lambda secret: sign("onbekend", secret), "unknown-client"),
    (lambda secret: "geen.jwt.token", "invalid-token"),
])
def test_introspection_refuses_bad_tokens(make_token, code):
    make_client("zaaksysteem", scopes=["autorisaties.lezen"])
    secret = ClientCredential.objects.get(client_id="zaaksysteem").secret
    body = service_api().post(INTROSPECT, {"token": make_token(secret)}, format="json").json()
    assert body["active"] is False and body["code"] == code


@pytest.mark.django_db
def test_client_with_credentials_but_no_applicatie_is_forbidden():
    credential = ClientCredential.objects.create(client_id="wees")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {sign('wees', credential.secret)}")
    response = api.get(LIST)
    assert response.status_code == 403 and response.json()["code"] == "no-applicatie"


@pytest.mark.django_db
def test_only_service_clients_may_introspect():
    api = make_client("nieuwsgierig", heeft_alle=True)
    response = api.post(INTROSPECT, {"token": "x"}, format="json")
    assert response.status_code == 403
    assert APIClient().post(INTROSPECT, {"token": "x"}, format="json").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_other_components_verify_over_http(live_server):
    call_command("bootstrap", "--no-demo")
    make_client("zaaksysteem", scopes=["autorisaties.lezen"])
    secret = ClientCredential.objects.get(client_id="zaaksysteem").secret
    introspect = HttpIntrospector(live_server.url,
                                  ServiceCredentials(settings.SERVICE_CLIENT_ID, settings.SERVICE_SECRET))
    identity = TokenVerifier(introspect, None).verify(sign("zaaksysteem", secret))
    assert identity.client_id == "zaaksysteem"
    assert identity.applicatie.scopes_for("ac") == {"autorisaties.lezen"}


def _wait_for_status(api, status: int, limit: float = 5.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if api.get(LIST).status_code == status:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"still not {status} after {limit} s")


@pytest.mark.django_db(transaction=True)
def test_a_changed_applicatie_takes_effect_within_five_seconds():
    admin = make_client("beheerder", scopes=["autorisaties.lezen", "autorisaties.bijwerken"])
    reader = make_client("lezer", scopes=["autorisaties.lezen"])
    assert reader.get(LIST).status_code == 200  # now cached in-process and in Redis
    url = admin.get(LIST, {"clientIds": "lezer"}).json()["results"][0]["url"]
    response = admin.patch(url, {"autorisaties": [{"component": "nrc", "scopes": ["notificaties.consumeren"]}]},
                           format="json")
    assert response.status_code == 200
    assert _wait_for_status(reader, 403) < 5.0


@pytest.mark.django_db(transaction=True)
def test_a_deleted_applicatie_takes_effect_within_five_seconds():
    admin = make_client("beheerder", scopes=["autorisaties.lezen", "autorisaties.bijwerken"])
    reader = make_client("lezer", scopes=["autorisaties.lezen"])
    assert reader.get(LIST).status_code == 200
    url = admin.get(LIST, {"clientIds": "lezer"}).json()["results"][0]["url"]
    assert admin.delete(url).status_code == 204
    assert _wait_for_status(reader, 403) < 5.0
    assert not Applicatie.objects.filter(client_ids__contains=["lezer"]).exists()


@pytest.mark.django_db
def test_create_client_prints_the_secret_once(capsys):
    call_command("create_client", "portaal", "--scopes", "ac:autorisaties.lezen,zrc:zaken.lezen")
    out = capsys.readouterr().out
    credential = ClientCredential.objects.get(client_id="portaal")
    assert f"secret={credential.secret}" in out
    applicatie = Applicatie.objects.get(client_ids__contains=["portaal"])
    assert {a.component for a in applicatie.autorisaties.all()} == {"ac", "zrc"}


@pytest.mark.django_db
def test_bootstrap_is_idempotent(capsys):
    call_command("bootstrap", "--print-demo")
    first = capsys.readouterr().out
    call_command("bootstrap", "--print-demo")
    assert capsys.readouterr().out == first
    assert Applicatie.objects.count() == 2 and ClientCredential.objects.count() == 2
