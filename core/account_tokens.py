"""Signed, expiring links mailed to account owners: password reset, address confirmation, address change.

A token is the payload signed with the deployment's secret key and a salt per
purpose, so a confirmation link can never be used as a reset link. Each token
also carries a fingerprint of what it may change (the password hash's tail),
which makes a reset link single-use: once the password changes it no longer
matches::

    token = make_token("password-reset", {"uid": user.id, "h": password_fingerprint(user)})
    data = read_token("password-reset", token, max_age=2 * 3600)   # raises TokenError
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from .clock import now

RESET = "password-reset"
CONFIRM = "confirm-address"
#: A new address for an existing account (``core.views.account``): sent to the new address.
CHANGE_ADDRESS = "change-address"


class TokenError(ValueError):
    """The link cannot be used; ``expired`` tells whether it was once valid."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class _ClockSigner(TimestampSigner):
    """Tokens are dated by the app's clock, so tests move the clock to let a link expire instead of waiting."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose, signer=_ClockSigner)


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a valid token no older than ``max_age`` seconds; else :class:`TokenError`."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError(expired=False) from None
    if not isinstance(data, dict):
        raise TokenError(expired=False)
    return data


def password_fingerprint(user) -> str:
    """Changes whenever the password does (the hash has a fresh salt each time)."""
    return user.password_hash[-16:]
