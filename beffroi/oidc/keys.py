"""The RSA key that signs the ID tokens Beffroi issues as an OpenID Connect provider.

Read by the settings: from ``BEFFROI_OIDC_PRIVATE_KEY`` (or ``_FILE``) in production, or created
once into the data directory in development, so that tokens stay valid across restarts.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from beffroi.conf.env import EnvError

KEY_FILE_NAME = "oidc-private-key.pem"
KEY_SIZE = 3072


def checked_signing_key(pem: str, *, source: str) -> str:
    """The PEM text of an RSA private key, or an ``EnvError`` naming ``source``."""
    try:
        key = serialization.load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise EnvError(
            f"{source} n'est pas une clé privée PEM lisible (non chiffrée) : créez-en une avec "
            "`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise EnvError(f"{source} doit être une clé RSA d'au moins 2048 bits.")
    return pem.strip() + "\n"


def embedded_signing_key(data_dir: Path) -> str:
    """Read, or create once with mode 0600, the development key kept in the data directory."""
    path = data_dir / KEY_FILE_NAME
    try:
        return checked_signing_key(path.read_text(encoding="utf-8"), source=str(path))
    except FileNotFoundError:
        pass
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    # Written aside then linked into place: another process sees no file or the whole key.
    draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(pem)
    try:
        os.link(draft, path)
    except FileExistsError:
        # Another process created it first: use theirs, so both sign with the same key.
        return checked_signing_key(path.read_text(encoding="utf-8"), source=str(path))
    finally:
        draft.unlink()
    return pem
