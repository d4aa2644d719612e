"""The internal introspection endpoint other components and the gateway verify tokens with.

Only Grondwerk's own service clients may call it; it is not part of the public contract and
the gateway does not route it. It answers whether a token is valid and what its client may
do, so secrets never leave this component.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .services import introspect_token


class IsServiceClient(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.user is None:
            return False
        if request.auth.client_id not in settings.SERVICE_CLIENT_IDS:
            raise exceptions.PermissionDenied("Alleen Grondwerk-componenten mogen dit vragen.")
        return True


class IntrospectionRequest(serializers.Serializer):
    token = serializers.CharField(max_length=8192)


@extend_schema(exclude=True)
class IntrospectView(APIView):
    permission_classes = [IsServiceClient]
    # Internal wire format: the kernel's snake_case values, not the public camelCase.
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def post(self, request):
        body = IntrospectionRequest(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(introspect_token(body.validated_data["token"]))
