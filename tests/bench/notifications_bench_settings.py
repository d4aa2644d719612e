"""Settings for the notifications benchmark: the notifications settings, with one known client
verified in-process (the benchmark measures delivery, not the round trip to the authorizations
component), and warnings-only logging."""

from components.kernel import testing
from components.notifications.settings import *  # noqa: F403

BENCH_CLIENT_ID = "bench"
BENCH_SECRET = "bench-secret-bench-secret-bench-secret"
TOKEN_INTROSPECTOR = "tests.bench.notifications_bench_settings.introspector"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405


def introspector():
    testing.register_client(BENCH_CLIENT_ID, BENCH_SECRET, heeft_alle_autorisaties=True)
    return testing.registry_introspector()
