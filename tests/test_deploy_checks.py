"""`BEFFROI_ENV=production` refuses the embedded defaults, naming the variable to set."""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import beffroi, free_port

OIDC_KEY = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode()
)

PRODUCTION_READY = {
    "BEFFROI_ENV": "production",
    "DATABASE_URL": "postgres://beffroi:motdepasse@127.0.0.1:5432/beffroi",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "BEFFROI_S3_BUCKET": "beffroi",
    "BEFFROI_S3_ENDPOINT_URL": "https://oos.eu-west-2.outscale.com",
    "BEFFROI_S3_ACCESS_KEY_ID": "AKEXAMPLE",
    "BEFFROI_S3_SECRET_ACCESS_KEY": "exemple",
    "BEFFROI_ALLOWED_HOSTS": "beffroi.ville-exemple.fr",
    "BEFFROI_OIDC_PRIVATE_KEY": OIDC_KEY,
}


def test_the_embedded_default_fails_with_a_clear_list(process_env):
    """On SQLite, local disk, no secret and no host name, each problem names its variable."""
    env = {**process_env, "BEFFROI_ENV": "production"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    result = beffroi("check", "--deploy", env=env)
    assert result.returncode == 1
    for expected in (
        "beffroi.E001",
        "BEFFROI_SECRET_KEY",
        "beffroi.E003",
        "DATABASE_URL",
        "beffroi.E004",
        "BEFFROI_S3_BUCKET",
        "beffroi.E006",
        "BEFFROI_ALLOWED_HOSTS",
        "beffroi.oidc.E001",
        "BEFFROI_OIDC_PRIVATE_KEY",
        "beffroi.files.E001",
        "BEFFROI_MASTER_KEY_FILE",
    ):
        assert expected in result.stderr, expected
    assert "Traceback" not in result.stderr


def test_debug_is_refused_in_production(process_env):
    env = {
        **process_env,
        **PRODUCTION_READY,
        "BEFFROI_SECRET_KEY": secrets.token_urlsafe(50),
        "BEFFROI_DEBUG": "true",
    }
    result = beffroi("check", "--deploy", env=env)
    assert result.returncode == 1
    assert "beffroi.E005" in result.stderr
    assert "BEFFROI_DEBUG" in result.stderr


def test_a_short_secret_is_refused(process_env):
    env = {**process_env, **PRODUCTION_READY, "BEFFROI_SECRET_KEY": "trop-court"}
    result = beffroi("check", "--deploy", env=env)
    assert result.returncode == 1
    assert "beffroi.E002" in result.stderr


def test_postgresql_redis_s3_and_a_secret_pass(process_env, tmp_path):
    """With the real engines, a secret key, an OIDC key and a master key, the check passes."""
    master_key = tmp_path / "master.key"
    master_key.write_text(secrets.token_hex(32))
    master_key.chmod(0o600)
    env = {
        **process_env,
        **PRODUCTION_READY,
        "BEFFROI_SECRET_KEY": secrets.token_urlsafe(50),
        "BEFFROI_MASTER_KEY_FILE": str(master_key),
    }
    result = beffroi("check", "--deploy", env=env)
    assert result.returncode == 0, result.stderr
    assert ".E0" not in result.stderr + result.stdout


def test_serve_refuses_to_start_on_the_embedded_default(process_env):
    """`beffroi serve` runs the same checks first and does not listen when they fail."""
    env = {**process_env, "BEFFROI_ENV": "production"}
    env.pop("DATABASE_URL", None)
    result = beffroi("serve", "--port", str(free_port()), env=env, timeout=60)
    assert result.returncode == 1
    assert "beffroi.E003" in result.stderr
    assert "écoute" not in result.stdout
