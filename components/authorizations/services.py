"""Writes to applicaties and token introspection: the behaviour behind the viewsets.

Each write runs in one transaction with its audit row and its outbox row.
"""

from django.conf import settings
from django.db import connection, transaction
from rest_framework import serializers

from components.kernel.audit.services import record_audit
from components.kernel.auth.tokens import TokenError, unverified_client_id, verify

from .kanalen import KANAAL_AUTORISATIES
from .models import Applicatie, Autorisatie, ClientCredential

# Serialises applicatie writes so two requests cannot both claim one client id (ac-001).
CLIENT_IDS_LOCK = 7_281_001


def _check_unique_client_ids(client_ids: list[str], instance: Applicatie | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLIENT_IDS_LOCK])
    others = Applicatie.objects.filter(client_ids__overlap=client_ids)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    taken = sorted({cid for app in others for cid in app.client_ids} & set(client_ids))
    if taken:
        raise serializers.ValidationError({"client_ids": [serializers.ErrorDetail(
            f"De client id(s) {', '.join(taken)} horen al bij een andere applicatie.",
            code="clientId-exists")]})


def _replace_autorisaties(applicatie: Applicatie, autorisaties: list[dict]) -> None:
    applicatie.autorisaties.all().delete()
    Autorisatie.objects.bulk_create(Autorisatie(applicatie=applicatie, **data) for data in autorisaties)


def _publish(request, applicatie: Applicatie, actie: str, url: str, oud, nieuw, status: int) -> None:
    record_audit(request, bron="AC", actie=actie, resultaat=status, hoofd_object=url,
                 hoofd_object_uuid=applicatie.uuid, resource="applicatie", resource_url=url,
                 resource_weergave=applicatie.label, oud=oud, nieuw=nieuw)
    KANAAL_AUTORISATIES.publish(hoofd_object=url, resource_url=url, actie=actie, obj=applicatie)


@transaction.atomic
def create_applicatie(request, data: dict, *, represent) -> Applicatie:
    autorisaties = data.pop("autorisaties", [])
    _check_unique_client_ids(data["client_ids"], None)
    applicatie = Applicatie.objects.create(**data)
    _replace_autorisaties(applicatie, autorisaties)
    nieuw = represent(applicatie)
    _publish(request, applicatie, "create", nieuw["url"], None, nieuw, 201)
    return applicatie


@transaction.atomic
def update_applicatie(request, applicatie: Applicatie, data: dict, *, represent, actie: str) -> Applicatie:
    applicatie = Applicatie.objects.select_for_update().get(pk=applicatie.pk)
    oud = represent(applicatie)
    autorisaties = data.pop("autorisaties", None)
    if "client_ids" in data:
        _check_unique_client_ids(data["client_ids"], applicatie)
    for field, value in data.items():
        setattr(applicatie, field, value)
    applicatie.save()
    if autorisaties is not None:
        _replace_autorisaties(applicatie, autorisaties)
    nieuw = represent(applicatie)
    _publish(request, applicatie, actie, nieuw["url"], oud, nieuw, 200)
    return applicatie


@transaction.atomic
def delete_applicatie(request, applicatie: Applicatie, *, represent) -> None:
    oud = represent(applicatie)
    _publish(request, applicatie, "destroy", oud["url"], oud, None, 204)
    applicatie.delete()


def _refusal(error: TokenError) -> dict:
    return {"active": False, "code": error.code, "detail": error.detail, "status": error.status}


def introspect_token(token: str) -> dict:
    """Verify a token with its client's secret; answer who it is and what it may do."""
    try:
        client_id = unverified_client_id(token)
        credential = ClientCredential.objects.filter(client_id=client_id).first()
        if credential is None:
            raise TokenError("unknown-client", f"Client id '{client_id}' is onbekend.")
        claims = verify(token, credential.secret, leeway=settings.JWT_LEEWAY,
                        max_age=settings.JWT_MAX_AGE)
        applicatie = (Applicatie.objects.filter(client_ids__contains=[client_id])
                      .prefetch_related("autorisaties").first())
        if applicatie is None:
            raise TokenError("no-applicatie",
                             f"Client id '{client_id}' hoort bij geen applicatie.", status=403)
    except TokenError as error:
        return _refusal(error)
    return {"active": True, "claims": claims.to_dict(), "applicatie": applicatie.as_value().to_dict()}


def local_introspector():
    """This component answers its own token questions from its own database."""
    return introspect_token
