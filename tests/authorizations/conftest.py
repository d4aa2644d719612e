import pytest
from rest_framework.test import APIClient

from components.authorizations.models import Applicatie, Autorisatie, ClientCredential
from components.kernel.api.authentication import get_verifier
from components.kernel.auth.tokens import sign


@pytest.fixture(autouse=True)
def _fresh_verifier():
    get_verifier.cache_clear()
    yield
    get_verifier.cache_clear()


def make_client(client_id: str, *, heeft_alle: bool = False, scopes: list[str] | None = None) -> APIClient:
    credential = ClientCredential.objects.create(client_id=client_id)
    applicatie = Applicatie.objects.create(client_ids=[client_id], label=client_id,
                                           heeft_alle_autorisaties=heeft_alle)
    if scopes:
        Autorisatie.objects.create(applicatie=applicatie, component="ac", scopes=scopes)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {sign(client_id, credential.secret)}")
    return api


@pytest.fixture
def admin_api(db):
    return make_client("beheerder", scopes=["autorisaties.lezen", "autorisaties.bijwerken"])


@pytest.fixture
def reader_api(db):
    return make_client("lezer", scopes=["autorisaties.lezen"])
