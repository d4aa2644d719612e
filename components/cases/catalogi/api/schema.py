"""The Catalogi contract where drf-spectacular cannot infer it: `_expand` in the read responses (the
standard's `…Expanded` and `…Embedded` schemas), and name-based relations that are names in a
request but URLs in a response."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .expand import EXPANDABLE, VIEWSETS
from .representation import camel
from .serializers import UrlsField

REF = "#/components/schemas/"
EMPTY_OBJECT = {"type": "object", "example": {},
                "description": "Leeg object. Dit wordt teruggeven indien het te expanderen veld een null waarde heeft."}


class NameOrUrlListExtension(OpenApiSerializerFieldExtension):
    target_class = "components.cases.catalogi.api.serializers.NameOrUrlList"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return {"type": "array", "items": {"type": "string", "format": "uri"}, "uniqueItems": True}
        return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)


class NameOrUrlExtension(OpenApiSerializerFieldExtension):
    target_class = "components.cases.catalogi.api.serializers.NameOrUrl"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "format": "uri"} if direction == "response" else schema


def _component(basename: str) -> str:
    return VIEWSETS[basename].serializer_class.__name__.removesuffix("Serializer")


def _is_many(basename: str, field: str) -> bool:
    """Whether the field holds a list of URLs (else one URL, or none)."""
    declared = VIEWSETS[basename].serializer_class().fields[field]
    return isinstance(declared, serializers.ListField | serializers.ManyRelatedField | serializers.ListSerializer
                      | UrlsField)


def add_expand_schemas(result, generator, request, public):
    """Postprocessing hook: every GET of a Catalogi resource answers `<Resource>Expanded`, its own
    schema plus `_expand` with the fields `?expand=` may embed (see expand.EXPANDABLE)."""
    schemas = result.get("components", {}).get("schemas", {})
    components = {basename: _component(basename) for basename in EXPANDABLE if basename in VIEWSETS}
    if not any(name in schemas for name in components.values()):
        return result
    schemas["EmptyObject"] = EMPTY_OBJECT
    for basename, name in components.items():
        embedded = {}
        for field, target in EXPANDABLE[basename].items():
            expanded = {"$ref": f"{REF}{components[target]}Expanded"}
            embedded[camel(field)] = ({"type": "array", "items": expanded} if _is_many(basename, field)
                                      else {"oneOf": [expanded, {"$ref": f"{REF}EmptyObject"}]})
        schemas[f"{name}Embedded"] = {"type": "object", "properties": embedded}
        schemas[f"{name}Expanded"] = {"allOf": [{"$ref": f"{REF}{name}"},
                                                {"properties": {"_expand": {"$ref": f"{REF}{name}Embedded"}}}]}
        page = schemas.get(f"Paginated{name}List", {}).get("properties", {}).get("results", {})
        if page.get("items") == {"$ref": f"{REF}{name}"}:
            page["items"] = {"$ref": f"{REF}{name}Expanded"}
    plain = {f"{REF}{name}": f"{REF}{name}Expanded" for name in components.values()}
    for item in result.get("paths", {}).values():
        content = item.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if schema.get("$ref") in plain:
            schema["$ref"] = plain[schema["$ref"]]
    return result
