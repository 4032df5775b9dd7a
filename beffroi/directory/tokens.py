"""The format of personal API tokens: ``bfr_<prefix>_<secret>``, of which only a hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import re
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


_SHAPE = re.compile(rf"^{TOKEN_TAG}_([0-9a-f]{{8}})_[A-Za-z0-9_-]{{20,100}}$")


def prefix_of(clear_text: str) -> str | None:
    """The lookup prefix of a well-formed token, or None for anything else (NUL bytes too)."""
    match = _SHAPE.match(clear_text)
    return match.group(1) if match else None


def matches(clear_text: str, secret_hash: str) -> bool:
    return hmac.compare_digest(digest(clear_text), secret_hash)
