"""The Sender Rewriting Scheme for redirected mail: a message from outside that a rule redirects
to another outside address leaves with an envelope sender of ours (so the sender's SPF does not
fail at the next hop), from which a bounce finds its way back.

``SRS0=HHHHHH=TT=domain=local@our-domain``: ``TT`` is the day (base 32, modulo 1024), ``HHHHHH``
a keyed hash of the day and the original address, computed with the instance's secret key.
Local parts are compared in lower case by SMTP servers (ours included), so the hash is in lower
case base 32 and checked without regard to case. An address older than ``VALID_DAYS`` or with a
wrong hash is not ours: bounces to it are refused at RCPT.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django.conf import settings

VALID_DAYS = 21
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_HASH_LENGTH = 6


def _key() -> bytes:
    return hashlib.sha256(b"beffroi-mail-srs:" + settings.SECRET_KEY.encode()).digest()


def _day(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // 86400) % 1024


def _stamp(day: int) -> str:
    return _ALPHABET[day >> 5] + _ALPHABET[day & 31]


def _hash(stamp: str, domain: str, local: str) -> str:
    digest = hmac.new(
        _key(), f"{stamp}={domain}={local}".lower().encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:_HASH_LENGTH]


def forward(sender: str, our_domain: str, *, now: float | None = None) -> str:
    """The envelope sender to use when redirecting mail from ``sender`` (an outside address)."""
    local, _separator, domain = sender.rpartition("@")
    stamp = _stamp(_day(now))
    return f"SRS0={_hash(stamp, domain, local)}={stamp}={domain}={local}@{our_domain}"


def is_srs(address: str) -> bool:
    return address.strip().lower().startswith("srs0=")


def reverse(address: str, *, now: float | None = None) -> str | None:
    """The original sender an SRS address of ours stands for, or None when it is forged,
    malformed or expired."""
    local, separator, _our_domain = address.strip().rpartition("@")
    if not separator or not is_srs(local):
        return None
    parts = local[5:].split("=", 3)
    if len(parts) != 4:
        return None
    given_hash, stamp, domain, original_local = parts
    stamp = stamp.lower()
    if len(stamp) != 2 or any(c not in _ALPHABET for c in stamp) or not domain:
        return None
    expected = _hash(stamp, domain, original_local)
    if not hmac.compare_digest(given_hash.lower().encode(), expected.encode()):
        return None
    day = _ALPHABET.index(stamp[0]) << 5 | _ALPHABET.index(stamp[1])
    if (_day(now) - day) % 1024 > VALID_DAYS:
        return None
    return f"{original_local}@{domain}"
