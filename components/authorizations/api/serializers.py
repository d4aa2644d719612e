"""Applicatie and autorisatie representations, exactly as the Autorisaties API 1.1.0 has them."""

from rest_framework import serializers

from ..choices import ComponentTypes
from ..models import Applicatie, Autorisatie
from .validators import validate_autorisatie_fields, validate_autorisaties_xor


class AutorisatieSerializer(serializers.ModelSerializer):
    component_weergave = serializers.CharField(source="get_component_display", read_only=True,
                                               help_text="Omschrijving van `component`.")
    scopes = serializers.ListField(
        child=serializers.CharField(max_length=100, min_length=1), allow_empty=False,
        help_text="Lijst van scope labels. Elke scope geeft toegang tot een set van acties.")

    class Meta:
        model = Autorisatie
        fields = ("component", "component_weergave", "scopes", "zaaktype", "informatieobjecttype",
                  "besluittype", "max_vertrouwelijkheidaanduiding")
        extra_kwargs = {"component": {"choices": ComponentTypes.choices}}

    def validate(self, attrs):
        return validate_autorisatie_fields(attrs)


class ApplicatieSerializer(serializers.HyperlinkedModelSerializer):
    client_ids = serializers.ListField(
        child=serializers.CharField(max_length=50, min_length=1), allow_empty=False,
        help_text="Lijst van consumer identifiers (hun 'client_id'). Een `client_id` mag slechts "
                  "bij één applicatie-object voorkomen.")
    autorisaties = AutorisatieSerializer(many=True, required=False)

    class Meta:
        model = Applicatie
        fields = ("url", "client_ids", "label", "heeft_alle_autorisaties",
                  "alleen_is_gereed_voor_publicatie", "autorisaties")
        extra_kwargs = {"url": {"lookup_field": "uuid", "view_name": "applicatie-detail"}}

    def validate_client_ids(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Een client id komt dubbel voor.", code="duplicate")
        return value

    def validate(self, attrs):
        instance = self.instance
        heeft_alle = attrs.get("heeft_alle_autorisaties",
                               instance.heeft_alle_autorisaties if instance else False)
        if "autorisaties" in attrs:
            autorisaties = attrs["autorisaties"]
        else:
            autorisaties = list(instance.autorisaties.all()) if instance else []
        validate_autorisaties_xor(heeft_alle, autorisaties)
        return attrs
