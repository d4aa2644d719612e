"""drf-spectacular tuned to ZGW contracts: JWT-Claims security with the scope per operation,
the standard's error responses, and the API-version header."""

from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .permissions import required_scope


class FieldValidationErrorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Naam van het veld met ongeldige gegevens")
    code = serializers.CharField(help_text="Systeemcode die het type fout aangeeft")
    reason = serializers.CharField(help_text="Uitleg wat er precies fout is met de gegevens")


class FoutSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="URI referentie naar het type fout, bedoeld voor developers")
    code = serializers.CharField(help_text="Systeemcode die het type fout aangeeft")
    title = serializers.CharField(help_text="Generieke titel voor het type fout")
    status = serializers.IntegerField(help_text="De HTTP status code")
    detail = serializers.CharField(help_text="Extra informatie bij de fout, indien beschikbaar")
    instance = serializers.CharField(help_text="URI met referentie naar dit specifiek voorkomen van de fout.")

    class Meta:
        ref_name = "Fout"


class ValidatieFoutSerializer(FoutSerializer):
    invalid_params = FieldValidationErrorSerializer(many=True)

    class Meta:
        ref_name = "ValidatieFout"


API_VERSION_HEADER = {
    "schema": {"type": "string"},
    "description": "Geeft een specifieke API-versie aan in de context van een specifieke aanroep. "
                   "Voorbeeld: 1.2.1.",
}

ERROR_STATUSES = (401, 403, 404, 406, 409, 410, 415, 429, 500)



class ZGWAutoSchema(AutoSchema):
    def get_operation_id(self):
        """`<zgw_resource>_<verb>` when the view names its resource, as the standards do. The verb is
        the action (`zaaktype_retrieve`), unless the view's `zgw_verbs` renames it: the older APIs
        say `applicatie_read` and `applicatie_delete`."""
        resource = getattr(self.view, "zgw_resource", "")
        action = getattr(self.view, "action", None)
        if not resource or not action:
            return super().get_operation_id()
        if self.method == "HEAD":
            return f"{resource}_headers"
        return f"{resource}_{getattr(self.view, 'zgw_verbs', {}).get(action, action)}"

    def get_auth(self):
        view = self.view
        if not getattr(view, "required_scopes", None):
            return []
        try:
            scope = required_scope(view, self._action_name())
        except Exception:
            return []
        return [{"JWT-Claims": [str(scope)]}]

    def _action_name(self) -> str:
        return getattr(self.view, "action", None) or self.method.lower()

    def _get_response_bodies(self, direction="response"):
        """The operation's own responses plus the standard's error responses. Done here rather than
        in get_response_serializers, which `@extend_schema(responses=...)` replaces."""
        bodies = super()._get_response_bodies(direction)
        is_list = getattr(self.view, "action", None) == "list"
        errors = {}
        if self.method in ("POST", "PUT", "PATCH") or is_list:
            errors["400"] = ValidatieFoutSerializer
        for code in ERROR_STATUSES:
            if not (code == 404 and is_list):
                errors[str(code)] = FoutSerializer
        for code, serializer in errors.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(OpenApiResponse(serializer), code, None, direction)
        for code, body in bodies.items():
            if code.startswith("2"):
                body.setdefault("headers", {}).setdefault("API-version", API_VERSION_HEADER)
        return bodies

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if str(status_code).startswith(("4", "5")):
            media_types = ["application/problem+json"]
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if str(status_code).startswith("2"):
            headers = response.setdefault("headers", {})
            headers["API-version"] = API_VERSION_HEADER
            if status_code == 201:
                headers["Location"] = {
                    "schema": {"type": "string", "format": "uri"},
                    "description": "URL waar de resource leeft.",
                }
        return response


IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "Voer een voorwaardelijk verzoek uit. Deze header moet één of meerdere ETag-waardes "
                   "bevatten van resources die de consumer gecached heeft. Indien de waarde van de ETag "
                   "van de huidige resource voorkomt in deze set, dan antwoordt de provider met een lege "
                   "HTTP 304 request.",
}
ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "De ETag berekend op de response body JSON. Indien twee resources exact dezelfde ETag "
                   "hebben, dan zijn deze resources identiek aan elkaar.",
}


class CachingEndpointEnumerator(EndpointEnumerator):
    """Also list `HEAD` for detail routes of views with `etag_enabled` (see caching.py)."""

    def get_allowed_methods(self, callback):
        methods = super().get_allowed_methods(callback)
        actions = getattr(callback, "actions", None) or {}
        if getattr(callback.cls, "etag_enabled", False) and actions.get("get") == "retrieve":
            methods.append("HEAD")
        return methods


class ZGWSchemaGenerator(SchemaGenerator):
    endpoint_inspector_cls = CachingEndpointEnumerator

    def create_view(self, callback, method, request=None):
        if method == "HEAD":
            # DRF routes HEAD to the GET action at request time; say so before inspecting the view.
            callback.actions.setdefault("head", callback.actions["get"])
        return super().create_view(callback, method, request)


class CachingAutoSchemaMixin:
    """HEAD operations (`<name>_headers`) and the ETag/If-None-Match documentation."""

    def _etag_enabled(self) -> bool:
        return getattr(self.view, "etag_enabled", False) and getattr(self.view, "action", None) == "retrieve"

    def get_operation_id(self):
        if self.method == "HEAD" and not getattr(self.view, "zgw_resource", ""):
            self.method = "GET"
            try:
                operation_id = super().get_operation_id()
                if operation_id.endswith("_headers"):
                    return operation_id
                return operation_id.removesuffix("_retrieve") + "_headers"
            finally:
                self.method = "HEAD"
        return super().get_operation_id()

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None or not self._etag_enabled():
            return operation
        operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
        if method == "HEAD":
            operation["parameters"] = [p for p in operation["parameters"] if p["in"] != "query"]
            operation["summary"] = "De headers voor een specifiek object opvragen."
            operation["description"] = "Vraag de headers op die je bij een GET request zou krijgen."
            operation["responses"] = {"200": {"description": "OK", "headers": {
                "ETag": ETAG_HEADER, "API-version": operation["responses"]["200"]["headers"]["API-version"]}}}
        else:
            operation["responses"]["200"].setdefault("headers", {})["ETag"] = ETAG_HEADER
        return operation


class ZGWCachingAutoSchema(CachingAutoSchemaMixin, ZGWAutoSchema):
    """ZGWAutoSchema plus HEAD/ETag documentation; set with `ZGWSchemaGenerator`."""
