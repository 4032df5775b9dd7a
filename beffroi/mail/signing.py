"""DKIM signatures on mail leaving the organisation, with the sender's domain's signing key."""

from __future__ import annotations

import dkim  # type: ignore[import-untyped]

from beffroi.mail import dkim_keys, queries
from beffroi.mail.addresses import InvalidAddress, parse_address
from beffroi.mail.index import header, parse
from beffroi.mail.models import Domain

SIGNED_HEADERS = [
    b"from", b"sender", b"reply-to", b"subject", b"date", b"message-id", b"to", b"cc",
    b"mime-version", b"content-type", b"content-transfer-encoding", b"in-reply-to",
    b"references",
]  # fmt: skip


def _from_domain(raw: bytes) -> str | None:
    text = header(parse(raw), "from")
    address = text.rpartition("<")[2].rstrip(">").strip() if "<" in text else text.strip()
    try:
        return parse_address(address).domain
    except InvalidAddress:
        return None


def dkim_signed(raw: bytes) -> bytes:
    """``raw`` with a DKIM-Signature of its From: domain prepended, when that domain is ours
    and has a signing key; unchanged otherwise."""
    name = _from_domain(raw)
    domain = Domain.objects.filter(name=name).first() if name else None
    key = queries.signing_key(domain) if domain is not None else None
    if domain is None or key is None:
        return raw
    pem = dkim_keys.private_key_pem(key.wrapped_key, key.sealed_private_key)
    signature: bytes = dkim.sign(
        raw,
        key.selector.encode(),
        domain.name.encode(),
        pem,
        include_headers=SIGNED_HEADERS,
    )
    return signature + raw
