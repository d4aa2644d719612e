"""Request plumbing every component shares: request ids, public URLs and the API-version header."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import set_script_prefix

from .logging import REQUEST_ID_PATTERN, request_id_var


class RequestIdMiddleware:
    """Take `X-Request-ID` from the caller (the gateway) or make one; log and return it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class PublicUrlMiddleware:
    """Make generated URLs the public ones: `PUBLIC_BASE_URL` when configured, otherwise the
    gateway's `X-Forwarded-Host/Proto/Prefix` (Django reads host and proto itself)."""

    def __init__(self, get_response):
        self.get_response = get_response
        base = urlsplit(settings.PUBLIC_BASE_URL) if settings.PUBLIC_BASE_URL else None
        self.public = base

    def __call__(self, request):
        prefix = ""
        if self.public is not None:
            request.META["HTTP_X_FORWARDED_HOST"] = self.public.netloc
            request.META["HTTP_X_FORWARDED_PROTO"] = self.public.scheme
            prefix = self.public.path.rstrip("/")
        elif settings.USE_X_FORWARDED_HOST:
            prefix = request.headers.get("X-Forwarded-Prefix", "").rstrip("/")
        set_script_prefix(prefix + "/" if prefix.startswith("/") else "/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix("/")


class ApiVersionMiddleware:
    """Every response under an API's base path carries that API's `API-version`."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.versions = sorted(settings.API_VERSIONS.items(), key=lambda kv: -len(kv[0]))

    def __call__(self, request):
        response = self.get_response(request)
        for prefix, version in self.versions:
            if request.path_info.startswith(prefix):
                response["API-version"] = version
                break
        return response
