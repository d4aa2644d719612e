"""The committed contract is what the code generates, and it has every operation of the standard."""

import os
import tempfile

import yaml

from devstack.contracts import generate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STANDARD = os.path.join(ROOT, "..", "shared", "standards", "notificaties-1.0.1.yaml")
METHODS = {"get", "post", "put", "patch", "delete"}


def operations(doc: dict, prefix: str = "") -> set[tuple[str, str]]:
    return {(method, path.removeprefix(prefix)) for path, item in doc["paths"].items() for method in item
            if method in METHODS}


def test_committed_contract_matches_generated():
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "notificaties.yaml")
        generate("notifications", "/notificaties/api/v1", fresh)
        assert open(fresh).read() == open(os.path.join(ROOT, "openapi", "notificaties.yaml")).read(), \
            "contract drift: run `make contracts` and commit openapi/notificaties.yaml"


def test_contract_has_every_operation_of_the_standard():
    ours = operations(yaml.safe_load(open(os.path.join(ROOT, "openapi", "notificaties.yaml"))), "/notificaties/api/v1")
    expected = {("get", "/kanaal"), ("post", "/kanaal"), ("get", "/kanaal/{uuid}"), ("get", "/abonnement"),
                ("post", "/abonnement"), ("get", "/abonnement/{uuid}"), ("put", "/abonnement/{uuid}"),
                ("patch", "/abonnement/{uuid}"), ("delete", "/abonnement/{uuid}"), ("post", "/notificaties")}
    assert expected <= ours
    if os.path.exists(STANDARD):
        assert operations(yaml.safe_load(open(STANDARD))) <= ours


def test_auth_is_write_only_in_the_contract():
    doc = yaml.safe_load(open(os.path.join(ROOT, "openapi", "notificaties.yaml")))
    schemas = doc["components"]["schemas"]
    assert "auth" not in schemas["Abonnement"]["properties"]
    assert "auth" in schemas["AbonnementRequest"]["properties"]
    assert doc["paths"]["/notificaties/api/v1/kanaal"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"]["type"] == "array"
