"""The format of personal API tokens: ``bfr_<prefix>_<secret>``, of which only a hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_TAG = "bfr"  # noqa: S105 - the visible tag of a token, not a secret


@dataclass(frozen=True)
class IssuedToken:
    prefix: str
    secret_hash: str
    clear_text: str


def issue() -> IssuedToken:
    prefix = secrets.token_hex(4)
    clear_text = f"{TOKEN_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    return IssuedToken(prefix=prefix, secret_hash=digest(clear_text), clear_text=clear_text)


def digest(clear_text: str) -> str:
    # The secret has 256 bits of entropy: a fast hash is enough, no stretching needed.
    return hashlib.sha256(clear_text.encode()).hexdigest()


def prefix_of(clear_text: str) -> str | None:
    parts = clear_text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_TAG or len(parts[1]) != 8:
        return None
    return parts[1]


def matches(clear_text: str, secret_hash: str) -> bool:
    return hmac.compare_digest(digest(clear_text), secret_hash)
