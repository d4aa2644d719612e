"""Asking the authorizations component about a token over HTTP, as a trusted service."""

import threading
import time

import httpx

from .tokens import sign
from .verification import AuthorizationsUnavailable

INTROSPECTION_PATH = "/autorisaties/internal/v1/introspect"


class ServiceCredentials:
    """The credentials a component uses for its own calls to other components."""

    def __init__(self, client_id: str, secret: str, refresh_after: int = 60):
        self.client_id = client_id
        self._secret = secret
        self._refresh_after = refresh_after
        self._token = ""
        self._made_at = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never show the secret in a traceback or log
        return f"ServiceCredentials({self.client_id!r})"

    def authorization_header(self) -> str:
        with self._lock:
            if time.time() - self._made_at > self._refresh_after:
                self._token = sign(self.client_id, self._secret,
                                   user_id=self.client_id, user_representation="Grondwerk")
                self._made_at = time.time()
            return f"Bearer {self._token}"


class HttpIntrospector:
    def __init__(self, authorizations_url: str, credentials: ServiceCredentials, timeout: float = 5.0):
        self.url = authorizations_url.rstrip("/") + INTROSPECTION_PATH
        self.credentials = credentials
        self.client = httpx.Client(timeout=timeout)

    def __call__(self, token: str) -> dict:
        try:
            response = self.client.post(
                self.url, json={"token": token},
                headers={"Authorization": self.credentials.authorization_header()},
            )
        except httpx.HTTPError as exc:
            raise AuthorizationsUnavailable(f"authorizations unreachable: {exc.__class__.__name__}")
        if response.status_code != 200:
            raise AuthorizationsUnavailable(f"authorizations answered {response.status_code}")
        return response.json()
