"""The committed Catalogi contract is what the code generates and has every operation of 1.3.3."""

import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OFFICIAL = os.path.join(ROOT, "..", "shared", "standards", "catalogi-1.3.3.yaml")
METHODS = {"get", "post", "put", "patch", "delete", "head"}


def _operations(document: dict) -> set[tuple[str, str]]:
    return {(method, path.removeprefix("/catalogi/api/v1").replace("{uuid}", "{}"))
            for path, item in document["paths"].items() for method in item if method in METHODS}


def test_committed_contract_matches_generated():
    result = subprocess.run([sys.executable, "-m", "devstack", "contracts", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contract_has_every_operation_of_catalogi_133():
    ours = _operations(yaml.safe_load(open(os.path.join(ROOT, "openapi", "catalogi.yaml"))))
    assert ("head", "/zaaktypen/{}") in ours and ("post", "/zaaktypen/{}/publish") in ours
    assert len(ours) == 72
    if os.path.exists(OFFICIAL):
        assert _operations(yaml.safe_load(open(OFFICIAL))) <= ours


def test_contract_documents_scopes_and_caching():
    document = yaml.safe_load(open(os.path.join(ROOT, "openapi", "catalogi.yaml")))
    retrieve = document["paths"]["/catalogi/api/v1/zaaktypen/{uuid}"]["get"]
    assert "ETag" in retrieve["responses"]["200"]["headers"]
    assert {p["name"] for p in retrieve["parameters"]} >= {"uuid", "expand", "If-None-Match", "datumGeldigheid"}
    assert retrieve["security"] == [{"JWT-Claims": ["catalogi.lezen"]}]
    listing = document["paths"]["/catalogi/api/v1/zaaktypen"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"catalogus", "identificatie", "trefwoorden", "status",
                                                          "datumGeldigheid", "page", "expand"}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _response_fields(document: dict, schema: dict) -> set[str]:
    """The property names of a response body: of its items for a paginated list, through allOf."""
    schema = _resolve(document, schema)
    fields = set()
    for part in schema.get("allOf", []):
        fields |= _response_fields(document, part)
    properties = schema.get("properties", {})
    if {"count", "results"} <= set(properties):
        return _response_fields(document, properties["results"]["items"])
    return fields | set(properties)


def _bodies(document: dict) -> dict:
    bodies = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for code, response in operation.get("responses", {}).items() if method in METHODS else ():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if code.startswith("2") and schema:
                    bodies[method, path.removeprefix("/catalogi/api/v1")] = _response_fields(document, schema)
    return bodies


def test_every_response_field_of_catalogi_133():
    if not os.path.exists(OFFICIAL):
        pytest.skip("the official specification is not next to the repository")
    ours = _bodies(yaml.safe_load(open(os.path.join(ROOT, "openapi", "catalogi.yaml"))))
    missing = {operation: sorted(fields - ours.get(operation, set()))
               for operation, fields in _bodies(yaml.safe_load(open(OFFICIAL))).items()}
    assert {operation: fields for operation, fields in missing.items() if fields} == {}


def test_reads_document_expand_and_name_based_relations():
    document = yaml.safe_load(open(os.path.join(ROOT, "openapi", "catalogi.yaml")))
    schemas = document["components"]["schemas"]
    retrieve = document["paths"]["/catalogi/api/v1/zaaktypen/{uuid}"]["get"]["responses"]["200"]
    assert retrieve["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ZaakTypeExpanded"}
    embedded = schemas["ZaakTypeEmbedded"]["properties"]
    assert embedded["statustypen"] == {"type": "array", "items": {"$ref": "#/components/schemas/StatusTypeExpanded"}}
    assert embedded["catalogus"]["oneOf"][1] == {"$ref": "#/components/schemas/EmptyObject"}
    assert schemas["PaginatedStatusTypeList"]["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/StatusTypeExpanded"}
    # names (or URLs) in a request, URLs of the valid published versions in a response
    assert schemas["ZaakType"]["properties"]["besluittypen"]["items"]["format"] == "uri"
    assert "format" not in schemas["ZaakTypeRequest"]["properties"]["besluittypen"]["items"]
    assert schemas["BesluitType"]["properties"]["informatieobjecttypen"]["items"]["format"] == "uri"
    assert schemas["ZaakTypenRelatie"]["properties"]["zaaktype"]["format"] == "uri"
    # a GET body can be PUT back: its empty groups are null
    assert schemas["ZaakTypeRequest"]["properties"]["broncatalogus"]["nullable"] is True
    assert schemas["ResultaatTypeRequest"]["properties"]["brondatumArchiefprocedure"]["nullable"] is True
    created = document["paths"]["/catalogi/api/v1/besluittypen"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BesluitTypePostResponse"}
