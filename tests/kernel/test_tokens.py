"""ZGW token signing and verification, without any framework."""

import time

import jwt
import pytest

from components.kernel.auth.scopes import Scope
from components.kernel.auth.tokens import (
    TokenError,
    read_bearer,
    sign,
    unverified_client_id,
    verify,
)


def test_a_signed_token_verifies_with_its_secret():
    token = sign("app", "s3cret", user_id="u1", user_representation="Ula")
    claims = verify(token, "s3cret")
    assert (claims.client_id, claims.iss, claims.user_id, claims.user_representation) == (
        "app", "app", "u1", "Ula")


@pytest.mark.parametrize("header, code", [
    (None, "not_authenticated"), ("", "not_authenticated"), ("Basic abc", "invalid-token"),
    ("Bearer", "invalid-token"),
])
def test_bad_authorization_headers_are_refused(header, code):
    with pytest.raises(TokenError) as err:
        read_bearer(header)
    assert err.value.code == code


def test_wrong_secret_is_a_bad_signature():
    with pytest.raises(TokenError) as err:
        verify(sign("app", "right"), "wrong")
    assert err.value.code == "bad-signature"


def test_missing_client_id_is_refused_before_any_secret_is_looked_up():
    token = jwt.encode({"iat": int(time.time())}, "x", algorithm="HS256")
    with pytest.raises(TokenError) as err:
        unverified_client_id(token)
    assert err.value.code == "missing-claim"


def test_missing_iat_is_refused():
    token = jwt.encode({"client_id": "app"}, "x", algorithm="HS256")
    with pytest.raises(TokenError) as err:
        verify(token, "x")
    assert err.value.code == "missing-claim"


def test_other_algorithms_are_refused():
    token = jwt.encode({"client_id": "app", "iat": int(time.time())}, "x" * 32, algorithm="HS512")
    with pytest.raises(TokenError) as err:
        unverified_client_id(token)
    assert err.value.code == "invalid-token"


def test_iat_in_the_future_beyond_leeway_is_refused_within_leeway_accepted():
    assert verify(sign("app", "x", iat=int(time.time()) + 3), "x", leeway=5)
    with pytest.raises(TokenError):
        verify(sign("app", "x", iat=int(time.time()) + 60), "x", leeway=5)


def test_max_age_expires_old_tokens():
    old = sign("app", "x", iat=int(time.time()) - 3600)
    assert verify(old, "x", max_age=0)
    with pytest.raises(TokenError) as err:
        verify(old, "x", max_age=600)
    assert err.value.code == "token-expired"


def test_scope_combinations():
    a, b = Scope("a"), Scope("b")
    assert (a | b).is_granted({"b"}) and not (a & b).is_granted({"b"})
    assert (a & b).is_granted({"a", "b"})
    assert str(a | b) == "(a | b)"
