"""WSGI entry point of the cases component (run by gunicorn)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "components.cases.settings")
application = get_wsgi_application()

# Garbage collection: a page of 100 zaaktypen builds some 10,000 short-lived containers, and with
# CPython's default thresholds (700, 10, 10) their collections, full ones included, cost a fifth of
# the request's CPU. Load the URLs (viewsets, serializers) now, freeze everything loaded so far out
# of the collector's reach, and collect the young generation less often.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 10, 10)
