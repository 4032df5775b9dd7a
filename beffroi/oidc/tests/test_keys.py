"""The ID-token signing key: generated once in development, required in production."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from beffroi.conf.checks import oidc_signing_key
from beffroi.conf.env import EnvError
from beffroi.oidc.keys import KEY_FILE_NAME, checked_signing_key, embedded_signing_key


def _pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_development_creates_the_key_once_readable_by_its_owner_only(tmp_path):
    """In development the key is created once, mode 0600, and reused."""
    first = embedded_signing_key(tmp_path)
    path = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert embedded_signing_key(tmp_path) == first
    assert "PRIVATE KEY" in first
    assert not [p for p in tmp_path.iterdir() if p.name != KEY_FILE_NAME]


def test_a_given_rsa_key_is_accepted():
    """A PEM RSA key of 2048 bits is accepted as given."""
    pem = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert checked_signing_key(pem, source="BEFFROI_OIDC_PRIVATE_KEY").strip() == pem.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pas une clé", "n'est pas une clé privée PEM"),
        (_pem(ec.generate_private_key(ec.SECP256R1())), "doit être une clé RSA"),
        (_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)), "2048 bits"),  # noqa: S505
    ],
)
def test_an_unusable_key_stops_the_program_naming_the_variable(text, message):
    """Garbage, a non-RSA key or a short one stops the program with the variable's name."""
    with pytest.raises(EnvError, match=message) as error:
        checked_signing_key(text, source="BEFFROI_OIDC_PRIVATE_KEY")
    assert "BEFFROI_OIDC_PRIVATE_KEY" in str(error.value)


def test_production_without_a_key_is_a_deployment_error(settings):
    """In production a missing key is deployment error beffroi.oidc.E001."""
    settings.PRODUCTION = True
    settings.OIDC_PRIVATE_KEY = ""
    [problem] = oidc_signing_key(None)
    assert problem.id == "beffroi.oidc.E001"
    assert "BEFFROI_OIDC_PRIVATE_KEY" in problem.hint


def test_production_with_a_key_passes(settings):
    """In production a given key passes the check."""
    settings.PRODUCTION = True
    settings.OIDC_PRIVATE_KEY = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert oidc_signing_key(None) == []
