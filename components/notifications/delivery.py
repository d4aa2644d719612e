"""Webhook delivery: fan a notificatie out to its deliveries, POST them to their subscribers,
record every attempt, retry.

The database is the record of what still has to go out; Celery tasks (acks_late) carry ids and
are the fast path:

- After a notificatie is committed, `wake_router` sends the routing task (`notifications.route`)
  unless one is already pending. `route` takes every notificatie not routed yet (many at once
  under load), makes their deliveries in one statement, one per matching abonnement, sends the
  first DELIVERY_BATCH_SIZE itself and `dispatch`es the rest in tasks (`notifications.deliver`) of
  that size. Each of those `claim`s its deliveries (pending and due, or sending with an expired
  lease) with `SKIP LOCKED`, so a repeated task never sends a delivery twice at the same time.
- A batch is POSTed concurrently on the process's asyncio loop (webhook_client.py, kept
  connections), each delivery with its own timeout; the task waits DELIVERY_BATCH_WAIT seconds, records what
  came back, and hands what did not to the process's recorder thread: a hanging subscriber costs
  a coroutine and a connection, never a worker slot. A subscriber that already has a delivery
  open longer than DELIVERY_SLOW_AFTER gets at most DELIVERY_SLOW_MAX_IN_FLIGHT at a time; the
  rest are deferred, so it cannot take all connections.
- A failed attempt is scheduled again after `retry_delay` (exponential, jittered); after
  `attempt_limit` attempts the delivery is parked as failed until someone re-sends it.
- `sweep` (the worker's sweeper thread, every DELIVERY_SWEEP_SECONDS) wakes the router for
  notificaties whose routing task never ran (Redis was down), and dispatches due retries and deferrals, deliveries
  whose task got lost and deliveries whose worker died mid-send (lease).

Every attempt carries `X-Grondwerk-Delivery-Id` (the same on each attempt of one delivery) and
`X-Grondwerk-Notificatie-Id`: delivery is at-least-once, and subscribers de-duplicate on them.
"""

import asyncio
import logging
import queue
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import orjson
import redis
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .choices import DeliveryStatus
from .matching import filters_match
from .models import Abonnement, Delivery, DeliveryAttempt, FilterGroup, Notificatie
from .webhook_client import WebhookClient, WebhookError

logger = logging.getLogger(__name__)

USER_AGENT = "Grondwerk-Notificaties/1.0"
DELIVERY_ID_HEADER = "X-Grondwerk-Delivery-Id"
NOTIFICATIE_ID_HEADER = "X-Grondwerk-Notificatie-Id"
ATTEMPT_HEADER = "X-Grondwerk-Delivery-Attempt"


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt, after `attempts` failed ones: exponential, capped, and
    jittered to 50-100 % so subscribers coming back are not hit by every retry at once."""
    delay = min(settings.DELIVERY_BACKOFF_MAX,
                settings.DELIVERY_BACKOFF_BASE * settings.DELIVERY_BACKOFF_FACTOR ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)


@dataclass(frozen=True)
class Job:
    delivery_id: int
    attempt: int
    attempt_limit: int
    url: str
    headers: dict
    body: bytes


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    attempt: int
    attempt_limit: int
    started_at: datetime
    status_code: int | None
    latency_ms: float | None
    error: str

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _Sender:
    """The process's HTTP engine: one asyncio loop in its own thread with one WebhookClient (kept
    connections per subscriber origin), so a delivery waiting on a slow subscriber costs a
    coroutine, not a thread; and the recorder thread that logs outcomes a task stopped waiting for."""

    def __init__(self):
        self.timeout = settings.DELIVERY_TIMEOUT
        self.client = WebhookClient()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="delivery-http", daemon=True).start()
        self.late: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        threading.Thread(target=self._record_late, name="delivery-recorder", daemon=True).start()

    def send_batch(self, jobs: list[Job], wait_seconds: float) -> list[Outcome]:
        """Send concurrently; return the outcomes that came within `wait_seconds`. The others go
        to the recorder when they come (one hop into the loop per batch, not per delivery)."""
        return asyncio.run_coroutine_threadsafe(self._send_batch(jobs, wait_seconds), self.loop).result()

    async def _send_batch(self, jobs: list[Job], wait_seconds: float) -> list[Outcome]:
        tasks = [self.loop.create_task(self.send(job)) for job in jobs]
        done, late = await asyncio.wait(tasks, timeout=wait_seconds)
        for task in late:
            task.add_done_callback(lambda t: self.late.put(t.result()))
        return [task.result() for task in done]

    async def send(self, job: Job) -> Outcome:
        started_at = timezone.now()
        started = time.perf_counter()
        status_code, error = None, ""
        try:
            response = await self.client.post(job.url, job.body, job.headers, self.timeout)
            status_code = response.status
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}: {response.body[:200].decode(errors='replace')}"
        except TimeoutError:
            error = f"timeout: geen antwoord binnen {self.timeout:g} s"
        except WebhookError as exc:
            error = str(exc)[:500]
        except Exception as exc:  # a TLS failure and the like: a failed attempt, not a lost one
            error = f"{exc.__class__.__name__}: {exc}"[:500]
        latency_ms = (time.perf_counter() - started) * 1000
        return Outcome(job.delivery_id, job.attempt, job.attempt_limit, started_at, status_code,
                       latency_ms, error)

    def _record_late(self) -> None:
        while True:
            outcomes = [self.late.get()]
            while True:
                try:
                    outcomes.append(self.late.get_nowait())
                except queue.Empty:
                    break
            try:
                close_old_connections()
                record(outcomes)
            except Exception:
                # The leases of these deliveries expire and the sweep sends them again.
                logger.exception("could not record %d late delivery outcome(s)", len(outcomes))


_sender: _Sender | None = None
_sender_lock = threading.Lock()


def sender() -> _Sender:
    global _sender
    with _sender_lock:
        if _sender is None:
            _sender = _Sender()
        return _sender


def dispatch(delivery_ids: list[int]) -> int:
    """Send the tasks for these deliveries; returns how many were sent. Never raises: what could
    not be sent is left for the sweep."""
    from .tasks import deliver

    size = max(1, settings.DELIVERY_BATCH_SIZE)
    chunks = [delivery_ids[i:i + size] for i in range(0, len(delivery_ids), size)]
    for index, chunk in enumerate(chunks):
        try:
            deliver.apply_async(args=[chunk], retry=False)
        except Exception as exc:
            # The broker is unreachable: the rest would fail the same way, slowly.
            lost = [pk for rest in chunks[index:] for pk in rest]
            logger.warning("delivery tasks not sent (%s); the sweep sends %d deliveries later",
                           exc.__class__.__name__, len(lost))
            try:
                Delivery.objects.filter(pk__in=lost).update(enqueued_at=None)
            except Exception:
                logger.exception("could not release %d deliveries for the sweep", len(lost))
            return index * size
    return len(delivery_ids)


@dataclass
class Claimed:
    """A delivery taken for one attempt, with what sending it needs."""

    id: int
    uuid: str
    attempts: int
    attempt_limit: int
    callback_url: str
    auth: str
    notificatie_id: int
    notificatie_uuid: str
    message: dict


# One round trip takes a batch: lock the due deliveries (skipping those another worker holds),
# count what each of their subscribers already has open, and take each delivery unless its
# subscriber is slow (a delivery open longer than SLOW_AFTER) and already has LIMIT open; the rest
# are deferred without counting an attempt. An attempt whose worker died (an expired lease) is
# logged; a delivery whose abonnement was deleted is parked.
CLAIM = """
WITH candidate AS (
    SELECT d.id, d.abonnement_id, d.status, d.attempts, d.lease_until
    FROM {deliveries} d
    WHERE d.id = ANY(%(ids)s)
      AND ((d.status = 'pending' AND d.next_attempt_at <= %(now)s)
           OR (d.status = 'sending' AND d.lease_until < %(now)s))
    FOR UPDATE SKIP LOCKED
), open AS (
    SELECT o.abonnement_id, count(*) AS open, count(*) FILTER (WHERE o.lease_until < %(slow_before)s) AS slow
    FROM {deliveries} o
    WHERE o.status = 'sending' AND o.lease_until >= %(now)s
      AND o.abonnement_id IN (SELECT abonnement_id FROM candidate)
    GROUP BY o.abonnement_id
), ranked AS (
    SELECT c.*, coalesce(open.open, 0) + row_number() OVER (PARTITION BY c.abonnement_id ORDER BY c.id) AS nth,
           coalesce(open.slow, 0) AS slow
    FROM candidate c LEFT JOIN open ON open.abonnement_id = c.abonnement_id
), lost AS (
    INSERT INTO {attempts} (delivery_id, attempt, started_at, latency_ms, error)
    SELECT id, attempts, lease_until - %(lease)s * interval '1 second', NULL,
           'Afgebroken: de worker stopte tijdens deze poging.'
    FROM ranked WHERE status = 'sending' AND abonnement_id IS NOT NULL
), decided AS (
    SELECT id, CASE WHEN abonnement_id IS NULL THEN 'orphan'
                    WHEN slow > 0 AND nth > %(limit)s THEN 'defer' ELSE 'take' END AS decision
    FROM ranked
), updated AS (
    UPDATE {deliveries} d SET
        status = CASE x.decision WHEN 'take' THEN 'sending' WHEN 'defer' THEN 'pending' ELSE 'failed' END,
        attempts = d.attempts + (x.decision = 'take')::int,
        lease_until = CASE WHEN x.decision = 'take' THEN %(now)s + %(lease)s * interval '1 second' END,
        next_attempt_at = CASE WHEN x.decision = 'defer' THEN %(now)s + %(defer)s * interval '1 second'
                               ELSE d.next_attempt_at END,
        enqueued_at = CASE WHEN x.decision = 'defer' THEN NULL ELSE d.enqueued_at END,
        last_error = CASE WHEN x.decision = 'orphan' THEN 'Het abonnement is verwijderd.' ELSE d.last_error END
    FROM decided x WHERE d.id = x.id
    RETURNING d.id, d.uuid, d.attempts, d.attempt_limit, d.abonnement_id, d.notificatie_id, x.decision
)
SELECT u.id, u.uuid, u.attempts, u.attempt_limit, a.callback_url, a.auth, n.id, n.uuid, n.message
FROM updated u JOIN {abonnementen} a ON a.id = u.abonnement_id JOIN {notificaties} n ON n.id = u.notificatie_id
WHERE u.decision = 'take'
ORDER BY u.id
"""


def claim(delivery_ids: list[int]) -> list[Claimed]:
    """Take these deliveries for one attempt each (those still due and not taken by another)."""
    now = timezone.now()
    lease = _lease_seconds()
    sql = CLAIM.format(deliveries=Delivery._meta.db_table, attempts=DeliveryAttempt._meta.db_table,
                       abonnementen=Abonnement._meta.db_table, notificaties=Notificatie._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {
            "ids": list(delivery_ids), "now": now, "lease": lease, "limit": settings.DELIVERY_SLOW_MAX_IN_FLIGHT,
            "slow_before": now + timedelta(seconds=lease - settings.DELIVERY_SLOW_AFTER),
            "defer": settings.DELIVERY_DEFER_SECONDS,
        })
        rows = cursor.fetchall()
    return [Claimed(*row[:8], message=row[8] if isinstance(row[8], dict) else orjson.loads(row[8])) for row in rows]


def _jobs(claimed: list[Claimed]) -> list[Job]:
    bodies: dict[int, bytes] = {}  # one body per notificatie, however many subscribers get it
    jobs = []
    for row in claimed:
        if row.notificatie_id not in bodies:
            bodies[row.notificatie_id] = orjson.dumps(row.message)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Connection": "keep-alive",
            DELIVERY_ID_HEADER: str(row.uuid),
            NOTIFICATIE_ID_HEADER: str(row.notificatie_uuid),
            ATTEMPT_HEADER: str(row.attempts),
        }
        if row.auth:
            headers["Authorization"] = row.auth
        jobs.append(Job(row.id, row.attempts, row.attempt_limit, row.callback_url, headers,
                        bodies[row.notificatie_id]))
    return jobs


def deliver_batch(delivery_ids: list[int]) -> int:
    """One attempt for each of these deliveries; returns how many were attempted."""
    claimed = claim(delivery_ids)
    if claimed:
        _send(claimed)
    return len(claimed)


def _send(claimed: list[Claimed]) -> None:
    outcomes = sender().send_batch(_jobs(claimed), settings.DELIVERY_BATCH_WAIT)
    if outcomes:
        record(outcomes)


def matching_abonnementen(kanaal_id: int, kenmerken: dict, groups: list | None = None) -> list[tuple[int, str, str]]:
    """(id, callback URL, auth) of every abonnement that takes a notificatie with these kenmerken
    on this kanaal: any of its groups on the kanaal matches. `groups`: the kanaal's filter groups
    when already read."""
    if groups is None:
        groups = _groups_of(kanaal_id)
    matching = {}
    for abonnement_id, callback_url, auth, filters in groups:
        if abonnement_id not in matching and filters_match(filters, kenmerken):
            matching[abonnement_id] = (abonnement_id, callback_url, auth)
    return [matching[key] for key in sorted(matching)]


def _groups_of(kanaal_id: int) -> list:
    return list(FilterGroup.objects.filter(kanaal_id=kanaal_id)
                .values_list("abonnement_id", "abonnement__callback_url", "abonnement__auth", "filters"))


# The deliveries of the notificaties being routed, in one statement: those this task sends itself
# already taken ('sending', one attempt, a lease), the rest pending for their own tasks.
INSERT_DELIVERIES = """
INSERT INTO {deliveries} (uuid, notificatie_id, abonnement_id, callback_url, status, attempts, attempt_limit,
                          next_attempt_at, enqueued_at, lease_until, last_error, created_at)
SELECT gen_random_uuid(), x.notificatie_id, x.abonnement_id, x.callback_url, x.status,
       (x.status = 'sending')::int, %(limit)s, %(now)s,
       CASE WHEN x.status = 'pending' THEN %(now)s END,
       CASE WHEN x.status = 'sending' THEN %(lease_until)s END,
       '', %(now)s
FROM unnest(%(notificaties)s::bigint[], %(abonnementen)s::bigint[], %(callbacks)s::text[], %(statuses)s::text[])
     AS x(notificatie_id, abonnement_id, callback_url, status)
RETURNING id, uuid, notificatie_id, abonnement_id, status
"""


def route(max_seconds: float = 2.0) -> tuple[int, bool]:
    """Fan out every committed notificatie not fanned out yet: make its deliveries (one per
    matching abonnement) and send them. Under load one call takes many notificaties at once
    (fewer tasks and statements per delivery); a notificatie is routed once (rows locked with
    SKIP LOCKED, then marked). Returns (deliveries made, whether notificaties are left because
    `max_seconds` ran out)."""
    made_total = 0
    deadline = time.monotonic() + max_seconds
    while True:
        sending, rest, made = _route_batch()
        if made is None:
            return made_total, False
        made_total += made
        if rest:
            dispatch(rest)
        if sending:
            _send(sending)
        if time.monotonic() >= deadline:
            return made_total, True


def _route_batch():
    now = timezone.now()
    take = max(1, settings.DELIVERY_BATCH_SIZE)
    with transaction.atomic():
        rows = list(Notificatie.objects.select_for_update(skip_locked=True).filter(fanned_out_at__isnull=True)
                    .order_by("id").values_list("pk", "uuid", "kanaal_id", "message")[:ROUTE_BATCH])
        if not rows:
            return [], [], None
        Notificatie.objects.filter(pk__in=[row[0] for row in rows]).update(fanned_out_at=now)
        groups = {kanaal_id: _groups_of(kanaal_id) for kanaal_id in {row[2] for row in rows}}
        planned = []  # (notificatie, subscriber)
        for row in rows:
            for subscriber in matching_abonnementen(row[2], row[3].get("kenmerken") or {}, groups[row[2]]):
                planned.append((row, subscriber))
        if not planned:
            return [], [], 0
        # A slow subscriber's deliveries go through `deliver` tasks, whose claim limits how many it
        # gets at once; the router sends inline only to the others, and never waits on it.
        slow = _slow_subscribers({sub[0] for _, sub in planned}, now)
        statuses, inline = [], 0
        for _, subscriber in planned:
            send_now = inline < take and subscriber[0] not in slow
            inline += send_now
            statuses.append("sending" if send_now else "pending")
        with connection.cursor() as cursor:
            cursor.execute(INSERT_DELIVERIES.format(deliveries=Delivery._meta.db_table), {
                "limit": settings.DELIVERY_MAX_ATTEMPTS, "now": now,
                "lease_until": now + timedelta(seconds=_lease_seconds()),
                "notificaties": [row[0] for row, _ in planned], "abonnementen": [sub[0] for _, sub in planned],
                "callbacks": [sub[1] for _, sub in planned], "statuses": statuses,
            })
            made = cursor.fetchall()
    notificaties = {row[0]: row for row in rows}
    subscribers = {sub[0]: sub for _, sub in planned}
    sending = [Claimed(pk, uuid, 1, settings.DELIVERY_MAX_ATTEMPTS, subscribers[abonnement_id][1],
                       subscribers[abonnement_id][2], notificatie_id, notificaties[notificatie_id][1],
                       notificaties[notificatie_id][3])
               for pk, uuid, notificatie_id, abonnement_id, status in sorted(made) if status == "sending"]
    rest = sorted(pk for pk, _, _, _, status in made if status == "pending")
    return sending, rest, len(made)


def _slow_subscribers(abonnement_ids: set[int], now) -> set[int]:
    """Those with a delivery open longer than DELIVERY_SLOW_AFTER seconds."""
    taken_before = now + timedelta(seconds=_lease_seconds() - settings.DELIVERY_SLOW_AFTER)
    return set(Delivery.objects.filter(abonnement_id__in=abonnement_ids, status=DeliveryStatus.sending,
                                       lease_until__gte=now, lease_until__lt=taken_before)
               .values_list("abonnement_id", flat=True).distinct())


ROUTE_BATCH = 100  # notificaties per routing statement


@lru_cache(maxsize=4)
def _broker_redis(url: str):
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _wake_key() -> str:
    return f"grondwerk:notifications:{connection.settings_dict['NAME']}:route"


def wake_router(notificatie_id: int | None = None) -> None:
    """After a notificatie is committed: make sure a routing task is on its way or running. The
    wake key is held while one is (a burst of notificaties costs one task, and under sustained
    load one task routes them all). Never raises: the sweep routes what this could not hand to
    the broker."""
    from .tasks import route as route_task

    try:
        if _broker_redis(settings.CELERY_BROKER_URL).set(_wake_key(), "1", nx=True, ex=WAKE_TTL_SECONDS):
            route_task.apply_async(retry=False)
    except Exception as exc:
        logger.warning("routing of notificatie %s not started (%s); the sweep does it", notificatie_id,
                       exc.__class__.__name__)


def route_while_woken() -> int:
    """The routing task: route until nothing is left, then let go of the wake key and look once
    more (a notificatie committed while the key was held sent no task of its own); when time ran
    out with notificaties left, wake the next task."""
    made, left = route()
    try:
        _broker_redis(settings.CELERY_BROKER_URL).delete(_wake_key())
    except Exception as exc:
        logger.warning("routing wake key not cleared: %s", exc.__class__.__name__)
    if not left:
        last, left = route(max_seconds=0)
        made += last
    if left:
        wake_router()
    return made


# Longer than one routing task runs (route: 2 s), so the key is not lost while it does.
WAKE_TTL_SECONDS = 5


def _lease_seconds() -> float:
    return settings.DELIVERY_TIMEOUT + settings.DELIVERY_LEASE_MARGIN


RECORD = """
WITH logged AS (
    INSERT INTO {attempts} (delivery_id, attempt, started_at, status_code, latency_ms, error)
    SELECT * FROM unnest(%s::bigint[], %s::smallint[], %s::timestamptz[], %s::smallint[], %s::float8[], %s::text[])
)
UPDATE {deliveries} AS d
SET status = v.status, delivered_at = v.delivered_at, next_attempt_at = v.next_attempt_at,
    last_status_code = v.status_code, last_error = v.error, lease_until = NULL, enqueued_at = NULL
FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::timestamptz[], %s::smallint[], %s::text[])
    AS v(id, status, delivered_at, next_attempt_at, status_code, error)
WHERE d.id = v.id
"""


def record(outcomes: list[Outcome]) -> None:
    """Log each attempt and move each delivery on: delivered, scheduled again, or parked.
    One statement for any number of outcomes (the ORM's bulk_update costs ~2 ms per row)."""
    now = timezone.now()
    statuses, delivered_at, next_attempt_at = [], [], []
    for outcome in outcomes:
        if outcome.delivered:
            statuses.append(DeliveryStatus.delivered.value)
            delivered_at.append(now)
            next_attempt_at.append(None)
        elif outcome.attempt >= outcome.attempt_limit:
            statuses.append(DeliveryStatus.failed.value)
            delivered_at.append(None)
            next_attempt_at.append(None)
            logger.warning("delivery %s parked as failed after %d attempts: %s",
                           outcome.delivery_id, outcome.attempt, outcome.error)
        else:
            statuses.append(DeliveryStatus.pending.value)
            delivered_at.append(None)
            next_attempt_at.append(now + timedelta(seconds=retry_delay(outcome.attempt)))
    ids = [o.delivery_id for o in outcomes]
    codes = [o.status_code for o in outcomes]
    errors = [o.error for o in outcomes]
    with connection.cursor() as cursor:  # one statement: atomic by itself
        cursor.execute(RECORD.format(attempts=DeliveryAttempt._meta.db_table, deliveries=Delivery._meta.db_table),
                       [ids, [o.attempt for o in outcomes], [o.started_at for o in outcomes], codes,
                        [o.latency_ms for o in outcomes], errors,
                        ids, statuses, delivered_at, next_attempt_at, codes, errors])


def sweep(limit: int = 5000) -> int:
    """Send the tasks for every notificatie not fanned out and every delivery that is due and has
    no task on its way; returns how many deliveries were dispatched."""
    now = timezone.now()
    if Notificatie.objects.filter(fanned_out_at__isnull=True,
                                  received_at__lt=now - timedelta(seconds=settings.DELIVERY_FAN_OUT_GRACE)).exists():
        wake_router()
    lost_before = now - timedelta(seconds=settings.DELIVERY_REQUEUE_AFTER)
    no_task = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=lost_before)
    due = (Q(status=DeliveryStatus.pending, next_attempt_at__lte=now) & no_task
           | Q(status=DeliveryStatus.sending, lease_until__lt=now) & (no_task | Q(enqueued_at__lt=F("lease_until"))))
    with transaction.atomic():
        ids = list(Delivery.objects.select_for_update(skip_locked=True).filter(due)
                   .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
    if ids:
        logger.info("sweep: dispatching %d deliveries", len(ids))
        dispatch(ids)
    return len(ids)


class ResendRefused(Exception):
    """This delivery cannot be re-sent now; the message says why."""


def resend(delivery: Delivery) -> Delivery:
    """Give a finished (failed or delivered) delivery a new series of attempts, starting now."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status in (DeliveryStatus.pending, DeliveryStatus.sending):
            raise ResendRefused("Deze aflevering is nog onderweg; alleen een afgeronde aflevering kan "
                                "opnieuw worden verstuurd.")
        if delivery.abonnement_id is None:
            raise ResendRefused("Het abonnement van deze aflevering is verwijderd.")
        now = timezone.now()
        delivery.status = DeliveryStatus.pending
        delivery.attempt_limit = delivery.attempts + settings.DELIVERY_MAX_ATTEMPTS
        delivery.next_attempt_at = now
        delivery.enqueued_at = now
        delivery.lease_until = None
        delivery.save(update_fields=["status", "attempt_limit", "next_attempt_at", "enqueued_at", "lease_until"])
        pk = delivery.pk
        transaction.on_commit(lambda: dispatch([pk]))
    return delivery
