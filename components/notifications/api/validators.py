"""Validation rules of the Notificaties API: URLs, kanalen and kenmerken, and the callback check."""

from urllib.parse import urlsplit

import httpx
from django.conf import settings
from rest_framework import serializers

from ..models import Kanaal

# What a new or changed callback receives: a notificatie on no real kanaal, as the reference
# implementation sends it, so a receiver built to the standard can answer it.
CALLBACK_CHECK_MESSAGE = {
    "kanaal": "test",
    "hoofdObject": "http://some.hoofdobject.nl/",
    "resource": "some_resource",
    "resourceUrl": "http://some.resource.nl/",
    "actie": "create",
    "aanmaakdatum": "2019-01-01T12:00:00Z",
    "kenmerken": {},
}


class HttpUrlField(serializers.CharField):
    """An absolute http(s) URL. Lenient about host names: `http://zaken:8000/…` is fine inside a
    cluster, where Django's URLField would want a top-level domain."""

    default_error_messages = {"invalid": "Voer een geldige http(s)-URL in."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            self.fail("invalid")
        return value


def check_callback(url: str, auth: str) -> None:
    """The callback must answer a test notificatie with 2xx within CALLBACK_CHECK_TIMEOUT seconds."""
    timeout = settings.CALLBACK_CHECK_TIMEOUT
    headers = {"Authorization": auth} if auth else {}
    try:
        response = httpx.post(url, json=CALLBACK_CHECK_MESSAGE, headers=headers, timeout=timeout,
                              follow_redirects=False)
    except httpx.TimeoutException:
        reason = f"De callback URL antwoordde niet binnen {timeout:g} seconden op een testnotificatie."
    except httpx.HTTPError as exc:
        reason = f"De callback URL is niet bereikbaar ({exc.__class__.__name__})."
    else:
        if response.is_success:
            return
        reason = (f"De callback URL antwoordde {response.status_code} op een testnotificatie; "
                  "verwacht werd 2xx (bijvoorbeeld 204).")
    raise serializers.ValidationError({"callback_url": [serializers.ErrorDetail(reason, code="invalid-callback-url")]})


def validate_kanalen(kanalen: list[dict]) -> list[dict]:
    """Each kanaal exists, and an abonnement filters only on kenmerken the kanaal has."""
    known = {k.naam: k for k in Kanaal.objects.filter(naam__in=[group["naam"] for group in kanalen])}
    errors, invalid = [], False
    for group in kanalen:
        kanaal = known.get(group["naam"])
        error = {}
        if kanaal is None:
            error["naam"] = [serializers.ErrorDetail(f"Kanaal '{group['naam']}' bestaat niet.",
                                                     code="kanaal-not-found")]
        else:
            unknown = sorted(set(group.get("filters") or {}) - set(kanaal.filters))
            if unknown:
                error["filters"] = [serializers.ErrorDetail(
                    f"Kanaal '{kanaal.naam}' kent de kenmerken {', '.join(unknown)} niet; mogelijk zijn: "
                    f"{', '.join(kanaal.filters) or '(geen)'}.", code="inconsistent-abonnement-filters")]
        invalid = invalid or bool(error)
        errors.append(error)
    if invalid:
        raise serializers.ValidationError(errors)
    return kanalen


def validate_kenmerken(kanaal: Kanaal, kenmerken: dict) -> None:
    """The kenmerken of a notificatie are among the filters its kanaal declares."""
    unknown = sorted(set(kenmerken) - set(kanaal.filters))
    if unknown:
        raise serializers.ValidationError({"kenmerken": [serializers.ErrorDetail(
            f"Kanaal '{kanaal.naam}' kent de kenmerken {', '.join(unknown)} niet; mogelijk zijn: "
            f"{', '.join(kanaal.filters) or '(geen)'}.", code="kenmerken-inconsistent")]})
