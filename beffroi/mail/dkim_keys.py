"""DKIM keys: made, sealed at rest, opened to sign, and published.

A private key is sealed the way the drive seals a blob (``beffroi.files.blobs.keys``): a random
data key encrypts the PEM with AES-256-GCM, and the master key wraps the data key into a key
record. A copy of the database alone therefore never reveals a signing key.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from beffroi.files.blobs.keys import keyring, open_key, seal_key

KEY_BITS = 2048
_NONCE_BYTES = 12
_CONTEXT = b"beffroi-dkim-private-key"


@dataclass(frozen=True)
class SealedKey:
    wrapped_key: bytes
    sealed_private_key: bytes
    public_key: str  # base64 DER (SubjectPublicKeyInfo), the p= of the DNS record


def new_selector() -> str:
    """A selector naming the key's DNS record: ``b`` and the year-month, plus a random tail."""
    from django.utils import timezone

    return f"b{timezone.now():%Y%m}-{secrets.token_hex(3)}"


def make_key() -> SealedKey:
    """A new RSA key, sealed."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return SealedKey(
        wrapped_key=seal_key(data_key, keyring().current),
        sealed_private_key=nonce + AESGCM(data_key).encrypt(nonce, pem, _CONTEXT),
        public_key=base64.b64encode(public).decode("ascii"),
    )


def private_key_pem(
    wrapped_key: bytes | memoryview, sealed_private_key: bytes | memoryview
) -> bytes:
    """The PEM of a sealed key (to sign with)."""
    data_key = open_key(bytes(wrapped_key))
    sealed = bytes(sealed_private_key)
    return AESGCM(data_key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _CONTEXT)


def dns_record(public_key: str) -> str:
    """The TXT record to publish at ``<selector>._domainkey.<domain>``."""
    return f"v=DKIM1; k=rsa; p={public_key}"
