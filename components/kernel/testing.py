"""Test support every component's suite uses: real JWTs checked against a registry of clients.

Components other than authorizations verify tokens over HTTP in production; their tests
register clients here instead (`TOKEN_INTROSPECTOR = "components.kernel.testing.registry_introspector"`),
so the same TokenVerifier, signature check and scope logic run without a second server.
"""

from .auth.applicaties import Applicatie, Autorisatie
from .auth.tokens import TokenError, sign, unverified_client_id, verify

_clients: dict[str, tuple[str, Applicatie]] = {}


def register_client(client_id: str, secret: str, *, heeft_alle_autorisaties: bool = False,
                    autorisaties: list[dict] | None = None, label: str = "") -> str:
    """Register a client and return a fresh token for it."""
    applicatie = Applicatie(
        uuid=f"00000000-0000-0000-0000-{abs(hash(client_id)) % 10**12:012d}",
        label=label or client_id,
        client_ids=(client_id,),
        heeft_alle_autorisaties=heeft_alle_autorisaties,
        autorisaties=tuple(Autorisatie.from_dict(a) for a in autorisaties or ()),
    )
    _clients[client_id] = (secret, applicatie)
    return sign(client_id, secret, user_id="tester", user_representation="Test Gebruiker")


def clear_clients() -> None:
    _clients.clear()


def introspect(token: str) -> dict:
    try:
        client_id = unverified_client_id(token)
        if client_id not in _clients:
            raise TokenError("unknown-client", f"Client id '{client_id}' is onbekend.")
        secret, applicatie = _clients[client_id]
        claims = verify(token, secret)
    except TokenError as error:
        return {"active": False, "code": error.code, "detail": error.detail, "status": error.status}
    return {"active": True, "claims": claims.to_dict(), "applicatie": applicatie.to_dict()}


def registry_introspector():
    return introspect
