"""The Django admin manages applicaties and credentials without ever showing a secret."""

import pytest

from components.authorizations.models import Applicatie, ClientCredential

pytestmark = pytest.mark.django_db


def test_applicatie_pages_render(admin_client):
    applicatie = Applicatie.objects.create(client_ids=["a"], label="App", heeft_alle_autorisaties=True)
    assert admin_client.get("/admin/authorizations/applicatie/").status_code == 200
    page = admin_client.get(f"/admin/authorizations/applicatie/{applicatie.pk}/change/")
    assert page.status_code == 200 and b"App" in page.content


def test_credential_page_never_shows_the_secret(admin_client):
    credential = ClientCredential.objects.create(client_id="portaal")
    page = admin_client.get(f"/admin/authorizations/clientcredential/{credential.pk}/change/")
    assert page.status_code == 200
    assert credential.secret.encode() not in page.content


def test_rotating_a_secret_shows_the_new_one_once(admin_client):
    credential = ClientCredential.objects.create(client_id="portaal")
    old = credential.secret
    response = admin_client.post("/admin/authorizations/clientcredential/", {
        "action": "rotate_secret", "_selected_action": [credential.pk]}, follow=True)
    credential.refresh_from_db()
    assert credential.secret != old
    assert credential.secret.encode() in response.content
    assert credential.secret.encode() not in admin_client.get(
        "/admin/authorizations/clientcredential/").content


def test_contract_and_its_viewers_are_served_with_their_assets(client):
    contract = client.get("/autorisaties/api/v1/schema/openapi.yaml")
    assert contract.status_code == 200 and b"applicatie_list" in contract.content
    swagger = client.get("/autorisaties/api/v1/schema/")
    assert swagger.status_code == 200
    asset = "/static/authorizations/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert asset.encode() in swagger.content
    response = client.get(asset)
    assert response.status_code == 200 and int(response["Content-Length"]) > 100_000
