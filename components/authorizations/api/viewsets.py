"""The `/applicaties` resource: thin viewsets over the write services in `services.py`."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from .. import services
from ..models import Applicatie, Autorisatie
from .filters import ApplicatieFilter
from .scopes import SCOPE_AUTORISATIES_BIJWERKEN, SCOPE_AUTORISATIES_LEZEN
from .serializers import ApplicatieSerializer


@extend_schema_view(
    list=extend_schema(summary="Geef een collectie van applicaties, met ingesloten autorisaties."),
    retrieve=extend_schema(summary="Vraag een applicatie op, met ingesloten autorisaties."),
    create=extend_schema(summary="Registreer een applicatie met een bepaalde set van autorisaties."),
    update=extend_schema(summary="Werk de applicatie bij."),
    partial_update=extend_schema(summary="Werk (een deel van) de applicatie bij."),
    destroy=extend_schema(summary="Verwijder een applicatie met de bijhorende autorisaties."),
)
class ApplicatieViewSet(viewsets.ModelViewSet):
    queryset = Applicatie.objects.prefetch_related(
        Prefetch("autorisaties", queryset=Autorisatie.objects.order_by("id"))).order_by("id")
    serializer_class = ApplicatieSerializer
    filterset_class = ApplicatieFilter
    lookup_field = "uuid"
    zgw_component = "ac"
    zgw_resource = "applicatie"
    zgw_verbs = {"retrieve": "read", "destroy": "delete"}  # as Autorisaties API 1.x names them
    required_scopes = {
        "list": SCOPE_AUTORISATIES_LEZEN,
        "retrieve": SCOPE_AUTORISATIES_LEZEN,
        "consumer": SCOPE_AUTORISATIES_LEZEN,
        "create": SCOPE_AUTORISATIES_BIJWERKEN,
        "update": SCOPE_AUTORISATIES_BIJWERKEN,
        "partial_update": SCOPE_AUTORISATIES_BIJWERKEN,
        "destroy": SCOPE_AUTORISATIES_BIJWERKEN,
    }

    def _represent(self, applicatie: Applicatie) -> dict:
        fresh = self.get_queryset().get(pk=applicatie.pk)
        return ApplicatieSerializer(fresh, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        serializer.instance = services.create_applicatie(
            self.request, dict(serializer.validated_data), represent=self._represent)

    def perform_update(self, serializer):
        serializer.instance = services.update_applicatie(
            self.request, serializer.instance, dict(serializer.validated_data),
            represent=self._represent, actie=self.action)

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        # Answer with what was stored (the prefetched autorisaties were replaced).
        response.data = self._represent(self.get_object())
        return response

    def perform_destroy(self, instance):
        services.delete_applicatie(self.request, instance, represent=self._represent)

    def get_success_headers(self, data):
        # str(): the URL is a DRF Hyperlink (a str subclass) that WSGI servers may refuse.
        return {"Location": str(data["url"])} if "url" in data else {}

    @extend_schema(
        summary="Vraag een applicatie op, op basis van clientId.",
        parameters=[OpenApiParameter("clientId", OpenApiTypes.STR, required=True,
                                     description="Client id van de consumer.")],
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="consumer", pagination_class=None,
            filter_backends=())
    def consumer(self, request, *args, **kwargs):
        client_id = request.query_params.get("clientId", "")
        if not client_id:
            raise ValidationError({"clientId": [ErrorDetail("Dit veld is verplicht.", code="required")]})
        applicatie = get_object_or_404(self.get_queryset(), client_ids__contains=[client_id])
        return Response(self.get_serializer(applicatie).data, status=status.HTTP_200_OK)

