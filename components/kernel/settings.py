"""The Django settings every component shares, built from the environment in one place.

A component's `settings.py` calls `component_settings(...)` and adds what is its own.
"""

from urllib.parse import urlsplit

from .env import (
    PORTS,
    component_url,
    database_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    redis_url,
)


def _database(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "postgres",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {"NAME": f"test_{parts.path.lstrip('/')}"},
    }


def component_settings(component: str, *, apps: list[str], api_versions: dict[str, str],
                       title: str) -> dict:
    debug = env_bool("DEBUG", False)
    return {
        "GRONDWERK_COMPONENT": component,
        "DEBUG": debug,
        "SECRET_KEY": env_str("SECRET_KEY", "insecure-development-key-change-me"),
        "ALLOWED_HOSTS": env_list("ALLOWED_HOSTS", ["*"]),
        "USE_TZ": True,
        "TIME_ZONE": "Europe/Amsterdam",
        "LANGUAGE_CODE": "nl",
        "USE_I18N": True,
        "ROOT_URLCONF": f"components.{component}.urls",
        "WSGI_APPLICATION": f"components.{component}.wsgi.application",
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django.contrib.postgres",
            "rest_framework",
            "django_filters",
            "drf_spectacular",
            "drf_spectacular_sidecar",
            "components.kernel.audit",
            "components.kernel.outbox",
            *apps,
        ],
        "MIDDLEWARE": [
            "components.kernel.middleware.RequestIdMiddleware",
            "components.kernel.middleware.PublicUrlMiddleware",
            "components.kernel.middleware.ApiVersionMiddleware",
            "django.middleware.security.SecurityMiddleware",
            # Admin, Swagger UI and Redoc assets, served by each component itself (WhiteNoise).
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
        "DATABASES": {"default": _database(database_url(component))},
        "CACHES": {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"grondwerk:{component}",
        }},
        "STATIC_URL": f"/static/{component}/",
        # Only set for `collectstatic` (e.g. in an image); otherwise WhiteNoise serves from the apps.
        "STATIC_ROOT": env_str("STATIC_ROOT", "") or None,
        # Without collectstatic (development, tests) WhiteNoise serves straight from the apps.
        "WHITENOISE_USE_FINDERS": env_bool("WHITENOISE_USE_FINDERS", True),
        # Behind the gateway: public URLs come from X-Forwarded-* (see PublicUrlMiddleware).
        "USE_X_FORWARDED_HOST": env_bool("TRUST_X_FORWARDED", True),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "PUBLIC_BASE_URL": env_str("PUBLIC_BASE_URL", "").rstrip("/"),
        "API_VERSIONS": api_versions,
        # ZGW auth
        "JWT_LEEWAY": env_int("JWT_LEEWAY", 5),
        "JWT_MAX_AGE": env_int("JWT_MAX_AGE", 0),
        "AUTH_LOCAL_CACHE_SECONDS": float(env_str("AUTH_LOCAL_CACHE_SECONDS", "2")),
        "AUTH_REMOTE_CACHE_SECONDS": env_int("AUTH_REMOTE_CACHE_SECONDS", 300),
        "AUTHORIZATIONS_URL": component_url("authorizations", PORTS["authorizations"]),
        "SERVICE_CLIENT_ID": env_str("GRONDWERK_SERVICE_CLIENT_ID", "grondwerk-services"),
        "SERVICE_SECRET": env_str("GRONDWERK_SERVICE_SECRET", "insecure-development-service-secret"),
        "TOKEN_INTROSPECTOR": "components.kernel.api.authentication.http_introspector",
        "REDIS_URL": redis_url(),
        "CELERY_BROKER_URL": env_str("CELERY_BROKER_URL", redis_url()),
        "NOTIFICATIONS_URL": component_url("notifications", PORTS["notifications"]),
        "NOTIFICATIONS_DISABLED": env_bool("NOTIFICATIONS_DISABLED", False),
        **outbox_and_celery_settings(component),
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": [
                "components.kernel.api.authentication.ZGWTokenAuthentication",
            ],
            "DEFAULT_PERMISSION_CLASSES": ["components.kernel.api.permissions.HasRequiredScopes"],
            "DEFAULT_RENDERER_CLASSES": ["djangorestframework_camel_case.render.CamelCaseJSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["djangorestframework_camel_case.parser.CamelCaseJSONParser"],
            "DEFAULT_PAGINATION_CLASS": "components.kernel.api.pagination.PageNumberPagination",
            "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
            "DEFAULT_SCHEMA_CLASS": "components.kernel.api.schema.ZGWAutoSchema",
            "EXCEPTION_HANDLER": "components.kernel.api.exceptions.problem_exception_handler",
            "UNAUTHENTICATED_USER": None,
            "PAGE_SIZE": 100,
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": title,
            "VERSION": next(iter(api_versions.values())),
            "SERVE_INCLUDE_SCHEMA": False,
            "COMPONENT_SPLIT_REQUEST": True,
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
            "SCHEMA_PATH_PREFIX": r"/[a-z]+/api/v1",
            "ENUM_NAME_OVERRIDES": {},
            "POSTPROCESSING_HOOKS": [
                "drf_spectacular.hooks.postprocess_schema_enums",
                "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
            ],
            "APPEND_COMPONENTS": {"securitySchemes": {
                "JWT-Claims": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            }},
            "SECURITY": [{"JWT-Claims": []}],
        },
        "LOGGING": logging_config(component),
    }


def outbox_and_celery_settings(component: str) -> dict:
    """The outbox relay and the Celery worker each component runs (see components/kernel/celery.py)."""
    return {
        # Called with the outbox row's id after the change commits: wakes the relay.
        "OUTBOX_ON_COMMIT": env_str("OUTBOX_ON_COMMIT", "components.kernel.outbox.relay.wake_relay"),
        # The periodic sweep posts whatever the on-commit wake-up missed (Redis or notifications down).
        "OUTBOX_SWEEP_SECONDS": env_float("OUTBOX_SWEEP_SECONDS", 5.0),
        "OUTBOX_BACKOFF_MAX_SECONDS": env_float("OUTBOX_BACKOFF_MAX_SECONDS", 300.0),
        "OUTBOX_POST_TIMEOUT": env_float("OUTBOX_POST_TIMEOUT", 10.0),
        # Each component's tasks run against its own database, so each has its own queue.
        "CELERY_TASK_DEFAULT_QUEUE": env_str("CELERY_QUEUE", f"grondwerk.{component}"),
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_TASK_IGNORE_RESULT": True,
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        # Celery's Django fixup closes the database connection around every task unless told to
        # reuse it: a new PostgreSQL backend per task. Connections follow CONN_MAX_AGE and the health
        # check instead (components/kernel/celery.py), as in a request.
        "CELERY_DB_REUSE_MAX": 1_000_000,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": env_int("CELERY_PREFETCH_MULTIPLIER", 4),
        "CELERY_BROKER_CONNECTION_TIMEOUT": 2,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        "CELERY_BROKER_CONNECTION_MAX_RETRIES": None,
        # Celery 6's default, now: tasks running when the broker connection drops are given back.
        "CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS": True,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            # An unacknowledged task (its worker died) goes back to the queue after this long; the
            # outbox sweep and the deliveries' leases recover the work much sooner.
            "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        # Sending a task while Redis is down must fail fast, not hang a request.
        "CELERY_TASK_PUBLISH_RETRY_POLICY": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                             "interval_max": 0.2},
        # What the worker's sweeper thread runs, and how often (see components/kernel/celery.py).
        "WORKER_SWEEPS": {
            "outbox": ("components.kernel.outbox.relay.sweep", env_float("OUTBOX_SWEEP_SECONDS", 5.0)),
        },
    }


def logging_config(component: str) -> dict:
    level = env_str("LOG_LEVEL", "INFO")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "components.kernel.logging.RequestIdFilter"}},
        "formatters": {"json": {
            "()": "components.kernel.logging.JsonFormatter",
            "component": component,
        }},
        "handlers": {"console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.db.backends": {"level": "WARNING"},
            # One INFO line per HTTP request (deliveries, the relay) would drown everything else.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
        },
    }
