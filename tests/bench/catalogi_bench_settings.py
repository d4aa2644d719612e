"""Settings for the Catalogi benchmark: the cases settings, with one known client verified in-process
(the benchmark measures the Catalogi API, not the round trip to the authorizations component)."""

from components.cases.settings import *  # noqa: F403
from components.kernel import testing

BENCH_CLIENT_ID = "bench"
BENCH_SECRET = "bench-secret-bench-secret-bench-secret"
TOKEN_INTROSPECTOR = "tests.bench.catalogi_bench_settings.introspector"
LOGGING = {"version": 1, "disable_existing_loggers": False}


def introspector():
    testing.register_client(BENCH_CLIENT_ID, BENCH_SECRET, heeft_alle_autorisaties=True)
    return testing.registry_introspector()
