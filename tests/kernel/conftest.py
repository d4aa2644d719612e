import pytest
from rest_framework.test import APIClient

from components.kernel import testing
from components.kernel.api.authentication import get_verifier


@pytest.fixture(autouse=True)
def _fresh_clients():
    testing.clear_clients()
    get_verifier.cache_clear()
    yield
    testing.clear_clients()
    get_verifier.cache_clear()


def client_with(token: str | None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def reader():
    return client_with(testing.register_client("lezer", "geheim-lezer", autorisaties=[
        {"component": "ztc", "scopes": ["dingen.lezen", "audittrails.lezen"]}]))


@pytest.fixture
def writer():
    return client_with(testing.register_client("schrijver", "geheim-schrijver", autorisaties=[
        {"component": "ztc", "scopes": ["dingen.lezen", "dingen.schrijven", "audittrails.lezen"]}]))
