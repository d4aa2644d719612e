"""DRF authentication with ZGW JWTs, verified through the shared TokenVerifier."""

from functools import lru_cache

import redis
from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from ..auth.introspection import HttpIntrospector, ServiceCredentials
from ..auth.tokens import TokenError
from ..auth.verification import AuthorizationsUnavailable, Identity, TokenVerifier


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "De autorisatiecomponent is tijdelijk niet bereikbaar."
    default_code = "service-unavailable"


class ZGWClient:
    """The request's user: the calling application (and the person it acts for)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, identity: Identity):
        self.identity = identity
        self.client_id = identity.client_id
        self.applicatie = identity.applicatie

    def __str__(self) -> str:
        return self.client_id


@lru_cache(maxsize=1)
def redis_client():
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)


def service_credentials() -> ServiceCredentials:
    return ServiceCredentials(settings.SERVICE_CLIENT_ID, settings.SERVICE_SECRET)


def http_introspector() -> HttpIntrospector:
    return HttpIntrospector(settings.AUTHORIZATIONS_URL, service_credentials())


@lru_cache(maxsize=1)
def get_verifier() -> TokenVerifier:
    introspect = import_string(settings.TOKEN_INTROSPECTOR)()
    return TokenVerifier(
        introspect,
        redis_client(),
        local_ttl=settings.AUTH_LOCAL_CACHE_SECONDS,
        remote_ttl=settings.AUTH_REMOTE_CACHE_SECONDS,
        leeway=settings.JWT_LEEWAY,
        max_age=settings.JWT_MAX_AGE,
    )


class ZGWTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None  # the permission check answers 401 not_authenticated
        try:
            identity = get_verifier().verify_header(header)
        except TokenError as exc:
            if exc.status == 403:
                raise exceptions.PermissionDenied(exc.detail, code=exc.code)
            raise exceptions.AuthenticationFailed(exc.detail, code=exc.code)
        except AuthorizationsUnavailable:
            raise ServiceUnavailable()
        return ZGWClient(identity), identity

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="zgw"'
