"""The Notificaties API resources (`/kanaal`, `/abonnement`, `/notificaties`) and the delivery
log (`/deliveries`): thin viewsets over services.py and delivery.py."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError
from rest_framework.response import Response

from components.kernel.api.schema import FoutSerializer

from .. import services
from ..delivery import ResendRefused, resend
from ..models import Abonnement, Delivery, DeliveryAttempt, FilterGroup, Kanaal
from .filters import DeliveryFilter, KanaalFilter
from .scopes import SCOPE_NOTIFICATIES_CONSUMEREN, SCOPE_NOTIFICATIES_PUBLICEREN
from .serializers import AbonnementSerializer, DeliverySerializer, KanaalSerializer, NotificatieSerializer
from .validators import validate_kenmerken

READ_SCOPE = SCOPE_NOTIFICATIES_CONSUMEREN | SCOPE_NOTIFICATIES_PUBLICEREN


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


def _location(data: dict) -> dict:
    # str(): the URL is a Hyperlink (a str subclass), which a strict WSGI server refuses.
    return {"Location": str(data["url"])} if "url" in data else {}


@extend_schema_view(
    list=extend_schema(summary="Alle KANAALen opvragen."),
    retrieve=extend_schema(summary="Een specifiek KANAAL opvragen."),
    create=extend_schema(summary="Maak een KANAAL aan."),
)
class KanaalViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """Op een KANAAL publiceren componenten (bronnen) hun NOTIFICATIEs; consumers abonneren zich erop."""

    queryset = Kanaal.objects.order_by("naam")
    serializer_class = KanaalSerializer
    filterset_class = KanaalFilter
    lookup_field = "uuid"
    pagination_class = None  # the standard answers a plain array
    zgw_component = "nrc"
    required_scopes = {
        "list": READ_SCOPE,
        "retrieve": READ_SCOPE,
        "create": SCOPE_NOTIFICATIES_PUBLICEREN,
    }

    def get_success_headers(self, data):
        return _location(data)


@extend_schema_view(
    list=extend_schema(summary="Alle ABONNEMENTen opvragen."),
    retrieve=extend_schema(summary="Een specifiek ABONNEMENT opvragen."),
    create=extend_schema(summary="Maak een ABONNEMENT aan.",
                         description="De callback URL krijgt eerst een testnotificatie en moet die met 2xx "
                                     "beantwoorden; anders volgt 400 met de reden."),
    update=extend_schema(summary="Werk een ABONNEMENT in zijn geheel bij."),
    partial_update=extend_schema(summary="Werk een ABONNEMENT deels bij."),
    destroy=extend_schema(summary="Verwijder een ABONNEMENT."),
)
class AbonnementViewSet(viewsets.ModelViewSet):
    """Een consumer neemt een ABONNEMENT op een of meer KANAALen om hun NOTIFICATIEs te ontvangen."""

    queryset = Abonnement.objects.prefetch_related(
        Prefetch("filter_groups", queryset=FilterGroup.objects.select_related("kanaal").order_by("id"))
    ).order_by("id")
    serializer_class = AbonnementSerializer
    lookup_field = "uuid"
    pagination_class = None  # the standard answers a plain array
    zgw_component = "nrc"
    required_scopes = {
        "list": READ_SCOPE,
        "retrieve": READ_SCOPE,
        "create": SCOPE_NOTIFICATIES_CONSUMEREN,
        "update": SCOPE_NOTIFICATIES_CONSUMEREN,
        "partial_update": SCOPE_NOTIFICATIES_CONSUMEREN,
        "destroy": SCOPE_NOTIFICATIES_CONSUMEREN,
    }

    @staticmethod
    def _data(serializer) -> dict:
        data = dict(serializer.validated_data)
        if "filter_groups" in data:
            data["kanalen"] = data.pop("filter_groups")
        return data

    def perform_create(self, serializer):
        serializer.instance = services.create_abonnement(self._data(serializer), client_id=self.request.user.client_id)

    def perform_update(self, serializer):
        serializer.instance = services.update_abonnement(serializer.instance, self._data(serializer))

    def get_success_headers(self, data):
        return _location(data)


@extend_schema_view(create=extend_schema(
    summary="Publiceer een notificatie.",
    description="De notificatie wordt opgeslagen en afgeleverd bij elk ABONNEMENT op het KANAAL waarvan de "
                "filters overeenkomen met de kenmerken. Een herhaling met dezelfde `Idempotency-Key` header "
                "wordt niet opnieuw afgeleverd.",
    responses={200: NotificatieSerializer},
))
class NotificatieViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Bronnen publiceren hier NOTIFICATIEs; die worden onveranderd naar alle abonnees gerouteerd."""

    serializer_class = NotificatieSerializer
    zgw_component = "nrc"
    required_scopes = {"create": SCOPE_NOTIFICATIES_PUBLICEREN}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kanaal = services.kanaal_by_naam(serializer.validated_data["kanaal"])
        if kanaal is None:
            raise ValidationError({"kanaal": [ErrorDetail(
                f"Kanaal '{serializer.validated_data['kanaal']}' bestaat niet.", code="kanaal-not-found")]})
        message = serializer.message()
        validate_kenmerken(kanaal, message["kenmerken"])
        key = request.headers.get("Idempotency-Key", "").strip()[:100] or None
        stored, _ = services.publish_notificatie(kanaal, message, client_id=request.user.client_id,
                                                 idempotency_key=key)
        # 200, not 201: the Notificaties API 1.0.1 contract answers a published notificatie with 200.
        return Response(stored, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Afleveringen van notificaties opvragen (Grondwerk-extensie).",
                       description="Elke aflevering van een notificatie aan een abonnement, met elke poging. "
                                   "Een client ziet de afleveringen aan abonnementen van zijn applicatie; een "
                                   "applicatie met alle autorisaties ziet alles."),
    retrieve=extend_schema(summary="Een aflevering opvragen (Grondwerk-extensie)."),
)
class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Het afleverlogboek: per notificatie en abonnement de status en elke poging."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    lookup_field = "uuid"
    zgw_component = "nrc"
    required_scopes = {
        "list": SCOPE_NOTIFICATIES_CONSUMEREN,
        "retrieve": SCOPE_NOTIFICATIES_CONSUMEREN,
        "resend": SCOPE_NOTIFICATIES_CONSUMEREN,
    }

    def get_queryset(self):
        queryset = (Delivery.objects.select_related("notificatie__kanaal", "abonnement")
                    .prefetch_related(Prefetch("log", queryset=DeliveryAttempt.objects.order_by("attempt", "id")))
                    .order_by("-id"))
        applicatie = getattr(self.request.user, "applicatie", None)
        if applicatie is not None and not applicatie.heeft_alle_autorisaties:
            queryset = queryset.filter(abonnement__client_id__in=list(applicatie.client_ids))
        return queryset

    @extend_schema(summary="Verstuur een afgeronde aflevering opnieuw (Grondwerk-extensie).",
                   description="Een mislukte (of afgeleverde) aflevering krijgt een nieuwe reeks pogingen, "
                               "vanaf nu.",
                   request=None, responses={202: DeliverySerializer, 409: OpenApiResponse(FoutSerializer)})
    @action(detail=True, methods=["post"])
    def resend(self, request, *args, **kwargs):
        try:
            delivery = resend(self.get_object())
        except ResendRefused as refused:
            raise Conflict(str(refused))
        return Response(self.get_serializer(self.get_queryset().get(pk=delivery.pk)).data,
                        status=status.HTTP_202_ACCEPTED)
