"""The Notificaties API as this component uses it: post a notificatie, register kanalen, subscribe.

Every call carries the component's service credentials (client `grondwerk-services`, which has
every right). One pooled HTTP client per process.
"""

import hashlib
import importlib
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

import httpx
from django.apps import apps
from django.conf import settings

from ..api.authentication import service_credentials
from .kanalen import Kanaal

logger = logging.getLogger(__name__)

API_PATH = "/notificaties/api/v1"
_lock = threading.Lock()
_clients: dict[str, httpx.Client] = {}


class NotificationsUnavailable(Exception):
    """The Notificaties API could not be reached or answered with a server error."""


@lru_cache(maxsize=1)
def _credentials():
    # One instance per process: it re-signs its token once a minute, not on every call.
    return service_credentials()


def http_client() -> httpx.Client:
    timeout = settings.OUTBOX_POST_TIMEOUT
    key = f"{timeout}"
    with _lock:
        if key not in _clients:
            _clients[key] = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)))
        return _clients[key]


def api_url(path: str) -> str:
    return f"{settings.NOTIFICATIONS_URL.rstrip('/')}{API_PATH}/{path.lstrip('/')}"


def _headers(extra: dict | None = None) -> dict:
    return {"Authorization": _credentials().authorization_header(), **(extra or {})}


def _request(method: str, path: str, **kwargs) -> httpx.Response:
    try:
        response = http_client().request(method, api_url(path), headers=_headers(kwargs.pop("headers", None)),
                                         **kwargs)
    except httpx.HTTPError as exc:
        raise NotificationsUnavailable(f"{exc.__class__.__name__} on {method} {path}")
    if response.status_code >= 500:
        raise NotificationsUnavailable(f"{method} {path} answered {response.status_code}")
    return response


def idempotency_key(component: str, database: str, message_id: int, created_at) -> str:
    """Stable for one outbox row, unique across components and databases: a repeated post of the
    same row (the relay died before marking it sent) is recognised by the Notificaties API."""
    raw = f"{component}:{database}:{message_id}:{created_at.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()


def post_notificatie(message: dict, *, key: str) -> httpx.Response:
    return _request("POST", "notificaties", json=message, headers={"Idempotency-Key": key})


def component_kanalen() -> list[Kanaal]:
    """Every `Kanaal` declared in a `kanalen.py` of this component's installed apps."""
    found: dict[str, Kanaal] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.kanalen"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for value in vars(module).values():
            if isinstance(value, Kanaal):
                found[value.naam] = value
    return sorted(found.values(), key=lambda k: k.naam)


@dataclass
class Registration:
    naam: str
    outcome: str  # "created", "exists" or "exists-with-other-filters"


def ensure_kanaal(kanaal: Kanaal) -> Registration:
    response = _request("GET", "kanaal", params={"naam": kanaal.naam})
    response.raise_for_status()
    existing = [k for k in response.json() if k.get("naam") == kanaal.naam]
    if existing:
        same = sorted(existing[0].get("filters") or []) == sorted(kanaal.kenmerken)
        return Registration(kanaal.naam, "exists" if same else "exists-with-other-filters")
    body = {"naam": kanaal.naam, "filters": list(kanaal.kenmerken)}
    if kanaal.documentatie_link:
        body["documentatieLink"] = kanaal.documentatie_link
    response = _request("POST", "kanaal", json=body)
    if response.status_code == 400 and _is_unique_naam_error(response):
        return Registration(kanaal.naam, "exists")  # registered concurrently by another process
    response.raise_for_status()
    return Registration(kanaal.naam, "created")


def _is_unique_naam_error(response: httpx.Response) -> bool:
    try:
        params = response.json().get("invalidParams") or []
    except ValueError:
        return False
    return any(p.get("name") == "naam" and p.get("code") == "unique" for p in params)


def register_kanalen() -> list[Registration]:
    """Idempotent: creates this component's kanalen that the Notificaties API does not know yet."""
    return [ensure_kanaal(kanaal) for kanaal in component_kanalen()]


def ensure_abonnement(callback_url: str, auth: str, kanalen: list[dict]) -> str:
    """Subscribe `callback_url` (once: an existing abonnement with that URL is updated, which
    also refreshes its `auth`). Returns "created" or "updated"."""
    response = _request("GET", "abonnement")
    response.raise_for_status()
    body = {"callbackUrl": callback_url, "auth": auth, "kanalen": kanalen}
    for abonnement in response.json():
        if abonnement.get("callbackUrl") == callback_url:
            detail = abonnement["url"].rsplit("/", 1)[-1]
            _request("PUT", f"abonnement/{detail}", json=body).raise_for_status()
            return "updated"
    _request("POST", "abonnement", json=body).raise_for_status()
    return "created"
