"""BEFFROI_SMTP_URL is read strictly: a relay Beffroi can use, or an error in French naming the
variable; never a guess that would send mail somewhere unexpected, or a password in clear."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from beffroi.conf.env import EnvError
from beffroi.conf.mail import (
    SMTP_BACKEND,
    UNCONFIGURED_BACKEND,
    SmtpRelay,
    django_email_settings,
    parse_mail_from,
    parse_smtp_url,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("url", "relay"),
    [
        (
            "smtp+starttls://beffroi@relay.ville-exemple.fr:587",
            SmtpRelay("relay.ville-exemple.fr", 587, "starttls", "beffroi"),
        ),
        (
            "smtp+starttls://relay.ville-exemple.fr",
            SmtpRelay("relay.ville-exemple.fr", 587, "starttls"),
        ),
        (
            "smtps://beffroi@relay.ville-exemple.fr:465",
            SmtpRelay("relay.ville-exemple.fr", 465, "tls", "beffroi"),
        ),
        ("SMTPS://relay.ville-exemple.fr", SmtpRelay("relay.ville-exemple.fr", 465, "tls")),
        ("smtp://127.0.0.1:25", SmtpRelay("127.0.0.1", 25, "none")),
        ("smtp://127.0.0.1", SmtpRelay("127.0.0.1", 25, "none")),
        ("smtp://[::1]:2525", SmtpRelay("::1", 2525, "none")),
        (
            "smtp+starttls://mairie%40ville-exemple.fr@relay.ville-exemple.fr:587/",
            SmtpRelay("relay.ville-exemple.fr", 587, "starttls", "mairie@ville-exemple.fr"),
        ),
    ],
)
def test_the_accepted_forms(url, relay):
    """Each documented form gives the relay it says, with the usual port when none is given."""
    assert parse_smtp_url(url) == relay


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://relay.ville-exemple.fr",
            r"BEFFROI_SMTP_URL='http://relay.ville-exemple.fr' : "
            r"le schéma 'http' n'est pas reconnu",
        ),
        (
            "relay.ville-exemple.fr:587",
            r"le schéma .* n'est pas reconnu ; utilisez smtp\+starttls://",
        ),
        ("smtp+tls://relay:465", r"le schéma 'smtp\+tls' n'est pas reconnu"),
        (
            "smtp://relay:smtp",
            r"BEFFROI_SMTP_URL='smtp://relay:smtp' n'est pas une adresse valable : le port",
        ),
        ("smtp://relay:70000", r"le port doit être un nombre entre 1 et 65535"),
        ("smtp://relay:0", r"le port doit être un nombre entre 1 et 65535"),
        ("smtp://relay:-1", r"le port doit être un nombre entre 1 et 65535"),
        ("smtp://:25", r"ne nomme pas de serveur"),
        ("smtp+starttls://relay:587/boite", r"ni chemin, ni paramètres"),
        ("smtp+starttls://relay:587?tls=1", r"ni chemin, ni paramètres"),
    ],
)
def test_a_bad_url_stops_with_a_french_message(url, message):
    with pytest.raises(EnvError, match=message):
        parse_smtp_url(url)


def test_a_password_in_the_url_is_refused_and_not_repeated():
    """The password belongs in BEFFROI_SMTP_PASSWORD; the error does not print it back."""
    with pytest.raises(EnvError) as error:
        parse_smtp_url("smtp+starttls://beffroi:S3cret-relais@relay.ville-exemple.fr:587")

    assert "BEFFROI_SMTP_PASSWORD" in str(error.value)
    assert "S3cret-relais" not in str(error.value)


def test_a_bad_port_with_a_password_does_not_print_the_password():
    with pytest.raises(EnvError) as error:
        parse_smtp_url("smtp://beffroi:S3cret-relais@relay:port")

    assert "le port" in str(error.value)
    assert "S3cret-relais" not in str(error.value)


def test_the_relay_becomes_djangos_smtp_settings():
    relay = parse_smtp_url("smtp+starttls://beffroi@relay.ville-exemple.fr:587")

    assert django_email_settings(relay, password="motdepasse", timeout=7) == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "relay.ville-exemple.fr",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "beffroi",
        "EMAIL_HOST_PASSWORD": "motdepasse",
        "EMAIL_TIMEOUT": 7,
    }


def test_smtps_uses_tls_from_the_start():
    settings = django_email_settings(
        parse_smtp_url("smtps://relay.ville-exemple.fr"), password=None, timeout=10
    )

    assert (settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"], settings["EMAIL_PORT"]) == (
        True,
        False,
        465,
    )


def test_no_relay_means_no_mail_leaves():
    assert django_email_settings(None, password=None, timeout=10) == {
        "EMAIL_BACKEND": UNCONFIGURED_BACKEND
    }


@pytest.mark.parametrize(
    ("url", "password", "message"),
    [
        ("smtp+starttls://beffroi@relay:587", None, r"vont ensemble"),
        ("smtp+starttls://relay:587", "motdepasse", r"vont ensemble"),
        (None, "motdepasse", r"BEFFROI_SMTP_PASSWORD est défini sans BEFFROI_SMTP_URL"),
        (
            "smtp://beffroi@relay.ville-exemple.fr:25",
            "motdepasse",
            r"ne peut pas circuler en clair",
        ),
    ],
)
def test_credentials_must_be_complete_and_protected(url, password, message):
    relay = parse_smtp_url(url) if url else None
    with pytest.raises(EnvError, match=message):
        django_email_settings(relay, password=password, timeout=10)


def test_plain_smtp_with_credentials_is_fine_on_loopback():
    """A local relay (Postfix on the same machine) may ask for a password without TLS."""
    relay = parse_smtp_url("smtp://beffroi@localhost:25")

    assert (
        django_email_settings(relay, password="motdepasse", timeout=10)["EMAIL_HOST_USER"]
        == "beffroi"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Beffroi <no-reply@localhost>", "Beffroi <no-reply@localhost>"),
        (
            "Mairie de Ville-Exemple <no-reply@ville-exemple.fr>",
            "Mairie de Ville-Exemple <no-reply@ville-exemple.fr>",
        ),
        ("no-reply@ville-exemple.fr", "no-reply@ville-exemple.fr"),
    ],
)
def test_the_sender(value, expected):
    assert parse_mail_from(value) == expected


@pytest.mark.parametrize("value", ["Mairie", "Mairie <pas-une-adresse>", "<@ville-exemple.fr>"])
def test_a_bad_sender_stops_with_a_french_message(value):
    with pytest.raises(
        EnvError, match=r"BEFFROI_MAIL_FROM=.* n'est pas une adresse d'expéditeur valable"
    ):
        parse_mail_from(value)


def _load_settings(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BEFFROI_SMTP")}
    env.update(environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import beffroi.conf.settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_PORT, s.OUTBOUND_MAIL_ENABLED)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_settings_read_the_variables(tmp_path):
    """The password may come from a file (BEFFROI_SMTP_PASSWORD_FILE), like every secret."""
    secret = tmp_path / "smtp_password"
    secret.write_text("motdepasse\n", encoding="utf-8")

    loaded = _load_settings(
        BEFFROI_DATA_DIR=str(tmp_path),
        BEFFROI_SMTP_URL="smtps://beffroi@relay.ville-exemple.fr",
        BEFFROI_SMTP_PASSWORD_FILE=str(secret),
    )

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == [SMTP_BACKEND, "465", "True"]


def test_the_settings_refuse_a_bad_url(tmp_path):
    loaded = _load_settings(BEFFROI_DATA_DIR=str(tmp_path), BEFFROI_SMTP_URL="smtp://relay:port")

    assert loaded.returncode != 0
    assert (
        "EnvError: BEFFROI_SMTP_URL='smtp://relay:port' n'est pas une adresse valable"
        in loaded.stderr
    )
