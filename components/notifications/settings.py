"""Settings of the notifications component (Notificaties API) and its webhook delivery."""

from components.kernel.env import env_float, env_int
from components.kernel.settings import component_settings

globals().update(component_settings(
    "notifications",
    apps=["components.notifications.apps.NotificationsConfig"],
    api_versions={"/notificaties/api/v1": "1.0.1"},
    title="Notificaties API",
))

# Kenmerken and filters are maps whose keys are the publisher's names (camelCase already):
# the camelCase parser must not rewrite them to snake_case.
JSON_CAMEL_CASE = {"JSON_UNDERSCOREIZE": {"ignore_fields": ("kenmerken", "filters")}}

# Delivery: attempt n+1 waits min(MAX, BASE * FACTOR**(n-1)) seconds, jittered to 50-100 % of that;
# with the defaults 6 attempts span about an hour (20 s, 80 s, 5 min, 21 min, 30 min), then the
# delivery is parked as failed until someone re-sends it.
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 6)
DELIVERY_BACKOFF_BASE = env_float("DELIVERY_BACKOFF_BASE", 20.0)
DELIVERY_BACKOFF_FACTOR = env_float("DELIVERY_BACKOFF_FACTOR", 4.0)
DELIVERY_BACKOFF_MAX = env_float("DELIVERY_BACKOFF_MAX", 1800.0)
# Seconds a subscriber may take to connect / to answer, per delivery.
DELIVERY_TIMEOUT = env_float("DELIVERY_TIMEOUT", 10.0)
# Deliveries of one notificatie go out in tasks of this many, concurrently.
DELIVERY_BATCH_SIZE = env_int("DELIVERY_BATCH_SIZE", 50)
# A task waits this long for its deliveries, then hands the slow ones to the process's recorder,
# so a hanging subscriber never holds a worker slot.
DELIVERY_BATCH_WAIT = env_float("DELIVERY_BATCH_WAIT", 0.5)
# A subscriber with a delivery open longer than SLOW_AFTER seconds gets at most SLOW_MAX_IN_FLIGHT
# deliveries at a time; the rest wait DEFER seconds (no attempt is counted).
DELIVERY_SLOW_AFTER = env_float("DELIVERY_SLOW_AFTER", 5.0)
DELIVERY_SLOW_MAX_IN_FLIGHT = env_int("DELIVERY_SLOW_MAX_IN_FLIGHT", 2)
DELIVERY_DEFER_SECONDS = env_float("DELIVERY_DEFER_SECONDS", 1.0)
# The sweep sends due retries, deferred deliveries, deliveries whose task was lost (queued more
# than REQUEUE_AFTER seconds ago) and deliveries whose worker died (lease expired).
DELIVERY_SWEEP_SECONDS = env_float("DELIVERY_SWEEP_SECONDS", 1.0)
DELIVERY_REQUEUE_AFTER = env_float("DELIVERY_REQUEUE_AFTER", 60.0)
# A notificatie not routed this many seconds after it came in wakes the router again (a repeat is
# harmless: a notificatie is routed once).
DELIVERY_FAN_OUT_GRACE = env_float("DELIVERY_FAN_OUT_GRACE", 5.0)
DELIVERY_LEASE_MARGIN = env_float("DELIVERY_LEASE_MARGIN", 30.0)
# The test POST to a new or changed callback URL must answer 2xx within this many seconds.
CALLBACK_CHECK_TIMEOUT = env_float("CALLBACK_CHECK_TIMEOUT", 5.0)

WORKER_SWEEPS = {
    **WORKER_SWEEPS,  # noqa: F821
    "deliveries": ("components.notifications.delivery.sweep", DELIVERY_SWEEP_SECONDS),
}

SPECTACULAR_SETTINGS["DESCRIPTION"] = (  # noqa: F821
    "Een API om een notificatierouteringscomponent te benaderen (ZGW Notificaties API 1.0.1): "
    "kanalen registreren, abonneren op kanalen, en notificaties publiceren die naar alle "
    "abonnees worden gerouteerd.\n\n"
    "Aflevering is *at-least-once*: elke aflevering draagt de header `X-Grondwerk-Delivery-Id` "
    "(gelijk bij elke herhaling van dezelfde aflevering) en `X-Grondwerk-Notificatie-Id`, zodat "
    "een abonnee dubbele berichten herkent. Grondwerk-extensie: `/deliveries` toont elke "
    "afleverpoging en verstuurt een mislukte aflevering opnieuw."
)
