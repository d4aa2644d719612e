"""The `/<resource>/{uuid}/audittrail` list and detail, for any component with a main resource."""

from rest_framework import mixins, serializers, viewsets

from .models import AuditTrail


class WijzigingenSerializer(serializers.Serializer):
    oud = serializers.JSONField(allow_null=True)
    nieuw = serializers.JSONField(allow_null=True)


class AuditTrailSerializer(serializers.ModelSerializer):
    wijzigingen = serializers.SerializerMethodField()

    class Meta:
        model = AuditTrail
        fields = (
            "uuid", "bron", "applicatie_id", "applicatie_weergave", "gebruikers_id",
            "gebruikers_weergave", "actie", "actie_weergave", "resultaat", "hoofd_object",
            "resource", "resource_url", "toelichting", "resource_weergave", "aanmaakdatum",
            "wijzigingen",
        )

    def get_wijzigingen(self, obj) -> dict:
        return {"oud": obj.oud, "nieuw": obj.nieuw}


class AuditTrailViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Subclass with `main_lookup_kwarg` (the URL kwarg holding the main object's uuid),
    `zgw_component` and `required_scopes`. The list is a plain array, as the standard has it."""

    serializer_class = AuditTrailSerializer
    lookup_field = "uuid"
    pagination_class = None
    filter_backends = ()
    main_lookup_kwarg = ""

    def get_queryset(self):
        return AuditTrail.objects.filter(hoofd_object_uuid=self.kwargs[self.main_lookup_kwarg])
