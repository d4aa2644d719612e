"""Writes of the Notificaties API: abonnementen with their kanalen, and publishing a notificatie
(stored, then routed to its deliveries after commit: see delivery.route)."""

import orjson
from django.db import IntegrityError, connection, transaction

from .delivery import wake_router
from .models import Abonnement, FilterGroup, Kanaal, Notificatie


def _replace_filter_groups(abonnement: Abonnement, kanalen: list[dict]) -> None:
    abonnement.filter_groups.all().delete()
    by_naam = {k.naam: k for k in Kanaal.objects.filter(naam__in=[group["naam"] for group in kanalen])}
    FilterGroup.objects.bulk_create(
        FilterGroup(abonnement=abonnement, kanaal=by_naam[group["naam"]], filters=group.get("filters") or {})
        for group in kanalen)


@transaction.atomic
def create_abonnement(data: dict, *, client_id: str) -> Abonnement:
    kanalen = data.pop("kanalen")
    abonnement = Abonnement.objects.create(client_id=client_id, **data)
    _replace_filter_groups(abonnement, kanalen)
    return abonnement


@transaction.atomic
def update_abonnement(abonnement: Abonnement, data: dict) -> Abonnement:
    kanalen = data.pop("kanalen", None)
    for field, value in data.items():
        setattr(abonnement, field, value)
    abonnement.save()
    if kanalen is not None:
        _replace_filter_groups(abonnement, kanalen)
    return abonnement


def kanaal_by_naam(naam: str) -> Kanaal | None:
    """The kanaal a notificatie is published on: one plain statement, as every publication reads it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, naam, filters FROM {Kanaal._meta.db_table} WHERE naam = %s", [naam])
        row = cursor.fetchone()
    return None if row is None else Kanaal(id=row[0], naam=row[1], filters=list(row[2] or []))


INSERT_NOTIFICATIE = """
INSERT INTO {table} (uuid, kanaal_id, message, idempotency_key, client_id, received_at)
VALUES (gen_random_uuid(), %s, %s::jsonb, %s, %s, now())
RETURNING id
"""


def publish_notificatie(kanaal: Kanaal, message: dict, *, client_id: str,
                        idempotency_key: str | None) -> tuple[dict, bool]:
    """Store the notificatie; after commit the router (delivery.route) makes and sends its
    deliveries. Returns (the stored message, created): a repeated Idempotency-Key returns the
    stored notificatie and delivers nothing again."""
    if idempotency_key:
        existing = Notificatie.objects.filter(idempotency_key=idempotency_key).values_list("message", flat=True)
        if existing:
            return existing[0], False
    try:
        # One statement, committed by itself (autocommit): the hot path of the API.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INSERT_NOTIFICATIE.format(table=Notificatie._meta.db_table),
                           [kanaal.pk, orjson.dumps(message).decode(), idempotency_key, client_id])
            pk = cursor.fetchone()[0]
            transaction.on_commit(lambda: wake_router(pk))
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same key was posted concurrently and the other request won.
        return Notificatie.objects.get(idempotency_key=idempotency_key).message, False
    return message, True
