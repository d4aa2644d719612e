"""Every error as ZGW problem+json: `type, code, title, status, detail, instance, invalidParams`."""

import logging
import uuid

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Invalid input.",
    401: "Authenticatiegegevens zijn niet opgegeven of ongeldig.",
    403: "Je hebt geen toestemming om deze actie uit te voeren.",
    404: "Niet gevonden.",
    405: "Methode niet toegestaan.",
    406: "Kan niet voldoen aan de opgegeven Accept header.",
    409: "Conflict.",
    410: "Verdwenen.",
    412: "Precondition failed.",
    413: "Verzoek te groot.",
    415: "Mediatype wordt niet ondersteund.",
    429: "Te veel verzoeken.",
    500: "Er is een serverfout opgetreden.",
    503: "Dienst tijdelijk niet beschikbaar.",
}


def camel(name: str) -> str:
    return camelize_re.sub(underscore_to_camel, name)


def problem(status_code: int, code: str, detail: str, *, title: str | None = None,
            invalid_params: list[dict] | None = None, instance: str | None = None) -> dict:
    body = {
        "type": f"https://grondwerk.nl/fouten/{code}/",
        "code": code,
        "title": title or TITLES.get(status_code, "Fout."),
        "status": status_code,
        "detail": detail,
        "instance": instance or f"urn:uuid:{uuid.uuid4()}",
    }
    if invalid_params is not None:
        body["invalidParams"] = invalid_params
    return body


def invalid_params(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into ZGW `invalidParams` with camelCase dotted names."""
    params: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "nonFieldErrors" if key in ("non_field_errors", "__all__") else camel(str(key))
            params += invalid_params(value, f"{prefix}.{name}" if prefix else name)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                params += invalid_params(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                params += invalid_params(value, prefix)
    else:
        params.append({
            "name": prefix or "nonFieldErrors",
            "code": getattr(detail, "code", "invalid"),
            "reason": str(detail),
        })
    return params


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def problem_exception_handler(exc, context):
    exc = _as_api_exception(exc)
    headers = {}
    if isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.ValidationError):
            body = problem(400, "invalid", "Validatiefout.", invalid_params=invalid_params(exc.detail))
        else:
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else exc.default_code
            body = problem(status_code, code, str(exc.detail))
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            request = context.get("request")
            authenticator = getattr(request, "_authenticator", None) or (
                request.authenticators[0] if request and request.authenticators else None)
            if authenticator is not None:
                headers["WWW-Authenticate"] = authenticator.authenticate_header(request)
            body["status"] = status_code = status.HTTP_401_UNAUTHORIZED
            body["title"] = TITLES[401]
    else:
        # A bug: log it with its stack trace, answer without one.
        logger.exception("unhandled error")
        status_code = 500
        body = problem(500, "error", "Er is een onverwachte fout opgetreden.")
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    return response


def problem_response(request, status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(problem(status_code, code, detail, instance=None), status=status_code,
                        content_type=PROBLEM_CONTENT_TYPE)


def handler404(request, exception=None):
    return problem_response(request, 404, "not_found", "Deze URL bestaat niet.")


def handler500(request):
    return problem_response(request, 500, "error", "Er is een onverwachte fout opgetreden.")


def handler403(request, exception=None):
    return problem_response(request, 403, "permission_denied", TITLES[403])


def handler400(request, exception=None):
    return problem_response(request, 400, "bad_request", "Ongeldig verzoek.")
