"""ZGW JWTs: HS256 tokens a client signs with its own secret (claims client_id, iss, iat, user_*)."""

import time
import warnings
from dataclasses import asdict, dataclass

import jwt
from jwt.warnings import InsecureKeyLengthWarning

# ZGW clients choose their own secrets and many are short; accepting them is the standard's
# choice, not ours, so PyJWT's advice is not repeated on every request.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("client_id", "iat")


class TokenError(Exception):
    """A token that cannot be accepted; `code` is the ZGW error code, `status` the HTTP status."""

    def __init__(self, code: str, detail: str, status: int = 401):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class Claims:
    client_id: str
    iat: int
    iss: str = ""
    user_id: str = ""
    user_representation: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Claims":
        return cls(**{key: data.get(key, "") for key in cls.__dataclass_fields__})


def read_bearer(header: str | None) -> str:
    """The token from an `Authorization: Bearer <token>` header."""
    if not header:
        raise TokenError("not_authenticated", "Authenticatiegegevens zijn niet opgegeven.")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("invalid-token", "Het Authorization-header moet 'Bearer <JWT>' zijn.")
    return token.strip()


def unverified_client_id(token: str) -> str:
    """The `client_id` claim before the signature is checked: it says whose secret to check with."""
    try:
        payload = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenError("invalid-token", "Het token is geen geldige JWT.")
    if header.get("alg") != ALGORITHM:
        raise TokenError("invalid-token", f"Alleen {ALGORITHM}-tokens worden geaccepteerd.")
    client_id = payload.get("client_id") if isinstance(payload, dict) else None
    if not client_id or not isinstance(client_id, str):
        raise TokenError("missing-claim", "Het token mist de claim 'client_id'.")
    return client_id


def verify(token: str, secret: str, *, leeway: int = 5, max_age: int = 0, now: float | None = None) -> Claims:
    """Check signature and claims; `max_age` seconds after `iat` the token expires (0: never)."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            leeway=leeway,
            options={"require": list(REQUIRED_CLAIMS), "verify_iat": True},
        )
    except jwt.InvalidSignatureError:
        raise TokenError("bad-signature", "De handtekening van het token klopt niet.")
    except jwt.MissingRequiredClaimError as exc:
        raise TokenError("missing-claim", f"Het token mist de claim '{exc.claim}'.")
    except jwt.ImmatureSignatureError:
        raise TokenError("invalid-token", "De 'iat' van het token ligt in de toekomst.")
    except jwt.PyJWTError as exc:
        raise TokenError("invalid-token", f"Het token is ongeldig: {exc}.")
    claims = Claims.from_dict(payload)
    check_age(claims, leeway=leeway, max_age=max_age, now=now)
    return claims


def check_age(claims: Claims, *, leeway: int, max_age: int, now: float | None = None) -> None:
    if not max_age:
        return
    now = time.time() if now is None else now
    if int(claims.iat) + max_age + leeway < now:
        raise TokenError("token-expired", "Het token is verlopen; maak een nieuw token.")


def sign(client_id: str, secret: str, *, user_id: str = "", user_representation: str = "",
         iat: int | None = None) -> str:
    """A ZGW token as a supplier application makes it (used by tests, tools and services)."""
    payload = {
        "iss": client_id,
        "iat": int(time.time() if iat is None else iat),
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": user_representation,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)
