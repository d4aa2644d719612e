"""The applicatie cache's subscription to the `autorisaties` kanaal: a webhook that makes every
cached token answer of a changed applicatie stale.

The authorizations component still invalidates directly after each change (signals.py); this
receiver is what lets the cache follow an authorizations component it does not share a process
or a code path with, and it replaces any polling. A component serves it by including these
urls (`path("", include("components.kernel.api.webhooks"))`); `register_kanalen` then subscribes
it. The path lies outside every API prefix, so the gateway never routes it. Only the service
client may call it: its token is checked here against the service secret, because the
Notificaties API stores the header once and replays it for every delivery.
"""

import logging

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..auth.tokens import TokenError, read_bearer, verify
from ..auth.verification import invalidate_applicatie
from .authentication import redis_client
from .exceptions import problem

logger = logging.getLogger(__name__)


class WebhookMessage(serializers.Serializer):
    kanaal = serializers.CharField(max_length=50)
    resourceUrl = serializers.CharField(max_length=1000)  # noqa: N815  (the wire name)


def _is_service_token(header: str | None) -> bool:
    try:
        claims = verify(read_bearer(header), settings.SERVICE_SECRET, leeway=settings.JWT_LEEWAY)
    except TokenError:
        return False
    return claims.client_id == settings.SERVICE_CLIENT_ID


@extend_schema(exclude=True)
class AutorisatiesWebhookView(APIView):
    authentication_classes = []
    permission_classes = []
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def post(self, request):
        if not _is_service_token(request.headers.get("Authorization")):
            return Response(problem(401, "not_authenticated", "Alleen de Notificaties API mag dit aanroepen."),
                            status=status.HTTP_401_UNAUTHORIZED, content_type="application/problem+json")
        message = WebhookMessage(data=request.data)
        message.is_valid(raise_exception=True)
        if message.validated_data["kanaal"] == "autorisaties":
            applicatie_uuid = message.validated_data["resourceUrl"].rstrip("/").rsplit("/", 1)[-1]
            try:
                client_ids = invalidate_applicatie(redis_client(), applicatie_uuid)
            except Exception as exc:
                # No Redis, no shared cache to be stale; local caches expire within seconds.
                logger.warning("applicatie %s not invalidated: %s", applicatie_uuid, exc.__class__.__name__)
            else:
                logger.info("applicatie %s changed: invalidated %d client(s)", applicatie_uuid, len(client_ids))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("_internal/webhooks/autorisaties", AutorisatiesWebhookView.as_view(), name="autorisaties-webhook"),
]
