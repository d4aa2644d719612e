"""The outbox relay: posts committed outbox rows to the Notificaties API, oldest first, and marks
them sent.

One routine, `drain`, started two ways:
- `wake_relay` runs after a change commits (settings.OUTBOX_ON_COMMIT) and sends the
  `outbox.drain` task, at most one pending per component database (a key in the broker's Redis),
  so a burst of writes costs one task. It never raises: with Redis down the change is committed
  anyway and the sweep posts it once Redis is back.
- `sweep`, in the worker's sweeper thread every OUTBOX_SWEEP_SECONDS.

Rows are claimed with `SELECT ... FOR UPDATE SKIP LOCKED`, so any number of workers may drain at
once without posting one row twice at the same time. A row is marked sent only after a 2xx; if
the relay dies in between, the row is posted again, and its `Idempotency-Key` lets the
Notificaties API recognise the repeat. When the Notificaties API cannot be reached (or answers
5xx, 401, 403, 404, 429) the drain stops and the next wake-up or sweep resumes it; a row it refuses
(other 4xx) waits with exponential backoff, its reason in `last_error`, and the rows after it go on.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from . import client
from .models import OutboxMessage

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
WAKE_TTL_SECONDS = 5
# Answers that say "not now" rather than "not this message": stop and retry everything later.
STOP_STATUSES = {401, 403, 404, 408, 429}


@lru_cache(maxsize=4)
def _broker_redis(url: str):
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _wake_key() -> str:
    return f"grondwerk:outbox:{settings.GRONDWERK_COMPONENT}:{connection.settings_dict['NAME']}:wake"


def wake_relay(message_id: int | None = None) -> None:
    """After commit: make sure a drain is on its way. Never raises (the sweep is the fallback)."""
    if settings.NOTIFICATIONS_DISABLED:
        return
    from .tasks import drain_outbox

    try:
        if _broker_redis(settings.CELERY_BROKER_URL).set(_wake_key(), "1", nx=True, ex=WAKE_TTL_SECONDS):
            drain_outbox.apply_async(retry=False)
    except Exception as exc:
        logger.warning("outbox relay not woken (%s); the sweep will post message %s",
                       exc.__class__.__name__, message_id)


def clear_wake() -> None:
    """A drain is starting: the next commit must send a new wake-up."""
    try:
        _broker_redis(settings.CELERY_BROKER_URL).delete(_wake_key())
    except Exception as exc:
        logger.warning("outbox wake key not cleared: %s", exc.__class__.__name__)


@dataclass
class DrainResult:
    sent: int = 0
    refused: int = 0
    stopped: str = ""


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.OUTBOX_BACKOFF_MAX_SECONDS, 2.0 ** attempts))


def _due_rows():
    now = timezone.now()
    return (OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id"))


def _refusal_reason(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code}"
    params = body.get("invalidParams") or []
    detail = "; ".join(f"{p.get('name')}: {p.get('code')} ({p.get('reason')})" for p in params)
    return f"{response.status_code} {body.get('code', '')} {detail or body.get('detail', '')}".strip()


def _names_unknown_kanaal(response) -> bool:
    try:
        params = response.json().get("invalidParams") or []
    except ValueError:
        return False
    return any(p.get("name") == "kanaal" for p in params)


def drain(batch_size: int = BATCH_SIZE) -> DrainResult:
    """Post every due unsent row; returns what happened (for logs, the command and tests)."""
    result = DrainResult()
    if settings.NOTIFICATIONS_DISABLED:
        result.stopped = "disabled"
        return result
    registered = False
    database = connection.settings_dict["NAME"]
    while not result.stopped:
        with transaction.atomic():
            rows = list(_due_rows()[:batch_size])
            if not rows:
                break
            done: list[OutboxMessage] = []
            for row in rows:
                key = client.idempotency_key(settings.GRONDWERK_COMPONENT, database, row.pk, row.created_at)
                try:
                    response = client.post_notificatie(row.message, key=key)
                    if response.status_code == 400 and _names_unknown_kanaal(response) and not registered:
                        # The kanaal was never registered (or the Notificaties API was reset): do it now.
                        registered = True
                        client.register_kanalen()
                        response = client.post_notificatie(row.message, key=key)
                except client.NotificationsUnavailable as exc:
                    response, reason = None, str(exc)
                except Exception as exc:  # a bug or a broken registration: keep the row, say why
                    logger.exception("outbox relay failed on message %s", row.pk)
                    response, reason = None, exc.__class__.__name__
                row.attempts += 1
                if response is not None and response.is_success:
                    row.sent_at = timezone.now()
                    row.last_error = ""
                    row.next_attempt_at = None
                    result.sent += 1
                elif response is not None and response.status_code not in STOP_STATUSES:
                    row.last_error = _refusal_reason(response)[:2000]
                    row.next_attempt_at = timezone.now() + backoff(row.attempts)
                    result.refused += 1
                    logger.error("notificatie %s refused: %s", row.pk, row.last_error)
                else:
                    row.last_error = (reason if response is None else _refusal_reason(response))[:2000]
                    result.stopped = row.last_error
                    logger.warning("outbox relay paused at message %s: %s", row.pk, row.last_error)
                done.append(row)
                if result.stopped:
                    break
            OutboxMessage.objects.bulk_update(done, ["sent_at", "attempts", "last_error", "next_attempt_at"])
    return result


def sweep() -> None:
    """The periodic drain (worker sweeper thread): posts whatever the wake-ups missed."""
    result = drain()
    if result.sent or result.refused:
        logger.info("outbox sweep: %d sent, %d refused", result.sent, result.refused)
