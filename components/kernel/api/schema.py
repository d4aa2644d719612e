"""drf-spectacular tuned to ZGW contracts: JWT-Claims security with the scope per operation,
the standard's error responses, and the API-version header."""

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


ERROR_STATUSES = (401, 403, 404, 406, 409, 410, 415, 429, 500)


class ZGWAutoSchema(AutoSchema):
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

    def get_response_serializers(self):
        responses = super().get_response_serializers()
        if not isinstance(responses, dict):
            success = 201 if self.method == "POST" else 204 if self.method == "DELETE" else 200
            responses = {success: responses}
        is_list = getattr(self.view, "action", None) == "list"
        if self.method in ("POST", "PUT", "PATCH") or is_list:
            responses.setdefault(400, OpenApiResponse(ValidatieFoutSerializer))
        for code in ERROR_STATUSES:
            if code == 404 and is_list:
                continue
            responses.setdefault(code, OpenApiResponse(FoutSerializer))
        return responses

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if str(status_code).startswith(("4", "5")):
            media_types = ["application/problem+json"]
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if str(status_code).startswith("2"):
            headers = response.setdefault("headers", {})
            headers["API-version"] = {
                "schema": {"type": "string"},
                "description": "Geeft een specifieke API-versie aan in de context van een "
                               "specifieke aanroep. Voorbeeld: 1.2.1.",
            }
            if status_code == 201:
                headers["Location"] = {
                    "schema": {"type": "string", "format": "uri"},
                    "description": "URL waar de resource leeft.",
                }
        return response
