"""Kanaal, abonnement and notificatie representations exactly as the Notificaties API 1.0.1 has
them, plus the delivery log (a Grondwerk extension)."""

from rest_framework import serializers

from ..models import Abonnement, Delivery, DeliveryAttempt, Kanaal
from .validators import HttpUrlField, check_callback, validate_kanalen


class KanaalSerializer(serializers.HyperlinkedModelSerializer):
    documentatie_link = HttpUrlField(max_length=200, required=False, allow_blank=True,
                                     help_text="URL naar documentatie.")
    filters = serializers.ListField(
        child=serializers.CharField(max_length=100, min_length=1), required=False,
        help_text="Lijst van mogelijke filter kenmerken van een KANAAL. Deze filter kenmerken kunnen worden "
                  "gebruikt bij het aanmaken van een ABONNEMENT.")

    class Meta:
        model = Kanaal
        fields = ("url", "naam", "documentatie_link", "filters")
        extra_kwargs = {"url": {"lookup_field": "uuid", "view_name": "kanaal-detail"}}

    def validate_filters(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Een filter komt dubbel voor.", code="duplicate")
        return value


class FilterGroupSerializer(serializers.Serializer):
    naam = serializers.CharField(
        min_length=1, max_length=50,
        help_text="De naam van het KANAAL (`KANAAL.naam`) waarop een abonnement is of wordt genomen.")
    filters = serializers.DictField(
        child=serializers.CharField(max_length=1000, min_length=1), required=False,
        help_text="Map van kenmerken (sleutel/waarde) waarop notificaties gefilterd worden. Alleen notificaties "
                  "waarvan de kenmerken voldoen aan het filter worden doorgestuurd naar de afnemer van het "
                  "ABONNEMENT. De waarde `*` laat elke waarde door.")

    def to_representation(self, group):
        return {"naam": group.kanaal.naam, "filters": dict(group.filters or {})}


class AbonnementSerializer(serializers.HyperlinkedModelSerializer):
    callback_url = HttpUrlField(
        help_text="De URL waar notificaties naar toe gestuurd dienen te worden. Deze URL dient uit te komen bij "
                  "een API die geschikt is om notificaties op te ontvangen.")
    auth = serializers.CharField(
        write_only=True, min_length=1, max_length=1000,
        help_text='Autorisatie header invulling voor het vesturen naar de "Callback URL". Voorbeeld: Bearer '
                  "a4daa31... Wordt nooit teruggegeven.")
    kanalen = FilterGroupSerializer(
        many=True, source="filter_groups",
        help_text="Een lijst van kanalen en filters waarop het ABONNEMENT wordt afgenomen.")

    class Meta:
        model = Abonnement
        fields = ("url", "callback_url", "auth", "kanalen")
        extra_kwargs = {"url": {"lookup_field": "uuid", "view_name": "abonnement-detail"}}

    def validate_auth(self, value: str) -> str:
        # Sent as a header line: a line break would let it add headers of its own.
        if any(char in value for char in "\r\n\0"):
            raise serializers.ValidationError("Een header-waarde mag geen regelovergang bevatten.", code="invalid")
        return value

    def validate_kanalen(self, value):
        return validate_kanalen(value)

    def validate(self, attrs):
        instance = self.instance
        url = attrs.get("callback_url", instance.callback_url if instance else "")
        auth = attrs.get("auth", instance.auth if instance else "")
        # Checked last, once the rest is valid: it calls the subscriber.
        check_callback(url, auth)
        return attrs


class NotificatieSerializer(serializers.Serializer):
    kanaal = serializers.CharField(
        max_length=50, help_text="De naam van het kanaal (`KANAAL.naam`) waar het bericht op moet worden "
                                 "gepubliceerd.")
    hoofd_object = HttpUrlField(help_text="URL-referentie naar het hoofd object van de publicerende API die "
                                          "betrekking heeft op de `resource`.")
    resource = serializers.CharField(max_length=100, help_text="De resourcenaam waar de notificatie over gaat.")
    resource_url = HttpUrlField(help_text="URL-referentie naar de `resource` van de publicerende API.")
    actie = serializers.CharField(max_length=100, help_text="De actie die door de publicerende API is gedaan. De "
                                                            "publicerende API specificeert de toegestane acties.")
    aanmaakdatum = serializers.DateTimeField(help_text="Datum en tijd waarop de actie heeft plaatsgevonden.")
    kenmerken = serializers.DictField(
        child=serializers.CharField(max_length=1000, allow_blank=True), required=False,
        help_text="Mapping van kenmerken (sleutel/waarde) van de notificatie. De publicerende API specificeert "
                  "de toegestane kenmerken.")

    def message(self) -> dict:
        """The notificatie as it is stored and delivered: the publisher's values, camelCase keys,
        `aanmaakdatum` as it was sent (routed unchanged, as the standard asks)."""
        data = self.validated_data
        return {
            "kanaal": data["kanaal"],
            "hoofdObject": data["hoofd_object"],
            "resource": data["resource"],
            "resourceUrl": data["resource_url"],
            "actie": data["actie"],
            "aanmaakdatum": str(self.initial_data.get("aanmaakdatum")),
            "kenmerken": dict(data.get("kenmerken") or {}),
        }


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ("attempt", "started_at", "status_code", "latency_ms", "error")


class DeliverySerializer(serializers.HyperlinkedModelSerializer):
    notificatie = serializers.UUIDField(source="notificatie.uuid", read_only=True,
                                        help_text="Id van de notificatie (header `X-Grondwerk-Notificatie-Id`).")
    kanaal = serializers.CharField(source="notificatie.kanaal.naam", read_only=True)
    message = serializers.JSONField(source="notificatie.message", read_only=True,
                                    help_text="Het afgeleverde bericht.")
    abonnement = serializers.HyperlinkedRelatedField(
        read_only=True, view_name="abonnement-detail", lookup_field="uuid", allow_null=True)
    log = DeliveryAttemptSerializer(many=True, read_only=True, help_text="Elke afleverpoging, oudste eerst.")

    class Meta:
        model = Delivery
        fields = ("url", "uuid", "notificatie", "kanaal", "abonnement", "callback_url", "status", "attempts",
                  "attempt_limit", "next_attempt_at", "delivered_at", "last_status_code", "last_error",
                  "created_at", "message", "log")
        extra_kwargs = {"url": {"lookup_field": "uuid", "view_name": "delivery-detail"},
                        "uuid": {"help_text": "Id van de aflevering (header `X-Grondwerk-Delivery-Id`), gelijk "
                                              "bij elke poging."}}
        read_only_fields = fields
