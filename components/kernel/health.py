"""Liveness and readiness: `/_health/live` says the process runs, `/_health/ready` that it can serve."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import path


def live(request):
    return JsonResponse({"status": "ok", "component": settings.GRONDWERK_COMPONENT})


def ready(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {exc.__class__.__name__}"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"unavailable: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "component": settings.GRONDWERK_COMPONENT,
         "checks": checks},
        status=200 if healthy else 503,
    )


urlpatterns = [
    path("_health/live", live, name="health-live"),
    path("_health/ready", ready, name="health-ready"),
]
