"""Deployment checks: what ``BEFFROI_ENV=production`` refuses, each naming the variable to set.

They run with ``beffroi check --deploy`` and before ``beffroi serve`` starts in production.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def production_engines(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    problems: list[checks.CheckMessage] = []
    if settings.SECRET_KEY == settings.MISSING_SECRET_KEY:
        problems.append(
            checks.Error(
                "Aucune clé secrète n'est définie.",
                hint="Définissez BEFFROI_SECRET_KEY (ou BEFFROI_SECRET_KEY_FILE) : 50 caractères "
                "aléatoires au moins, par exemple le résultat de "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="beffroi.E001",
            )
        )
    elif len(settings.SECRET_KEY) < 50:
        problems.append(
            checks.Error(
                "La clé secrète est trop courte (moins de 50 caractères).",
                hint="Donnez à BEFFROI_SECRET_KEY une valeur aléatoire d'au moins 50 caractères.",
                id="beffroi.E002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            checks.Error(
                "La base de données est SQLite, réservée à l'usage sur un seul poste.",
                hint="Définissez DATABASE_URL, par exemple "
                "postgres://beffroi:motdepasse@127.0.0.1:5432/beffroi.",
                id="beffroi.E003",
            )
        )
    if not settings.S3_BUCKET:
        problems.append(
            checks.Error(
                "Les fichiers sont stockés sur le disque local de ce nœud.",
                hint="Définissez BEFFROI_S3_BUCKET, BEFFROI_S3_ENDPOINT_URL, "
                "BEFFROI_S3_ACCESS_KEY_ID et BEFFROI_S3_SECRET_ACCESS_KEY pour un stockage "
                "objet compatible S3.",
                id="beffroi.E004",
            )
        )
    if settings.DEBUG:
        problems.append(
            checks.Error(
                "Le mode de débogage est activé.",
                hint="Retirez BEFFROI_DEBUG ou donnez-lui la valeur false.",
                id="beffroi.E005",
            )
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            checks.Error(
                "Aucun nom d'hôte autorisé.",
                hint="Définissez BEFFROI_ALLOWED_HOSTS, par exemple beffroi.mairie-exemple.fr.",
                id="beffroi.E006",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            checks.Warning(
                "Sans Redis, le cache et les événements en temps réel restent propres à ce nœud.",
                hint="Définissez REDIS_URL dès que plusieurs nœuds servent Beffroi.",
                id="beffroi.W001",
            )
        )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def oidc_signing_key(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production the key that signs ID tokens is given, never generated on one node."""
    if not settings.PRODUCTION or settings.OIDC_PRIVATE_KEY:
        return []
    return [
        checks.Error(
            "Aucune clé ne signe les jetons d'identité du fournisseur OIDC.",
            hint="Définissez BEFFROI_OIDC_PRIVATE_KEY (ou BEFFROI_OIDC_PRIVATE_KEY_FILE) : une "
            "clé RSA privée au format PEM, la même sur chaque nœud, par exemple créée par "
            "`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`.",
            id="beffroi.oidc.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def files_master_key(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production the master key that wraps the drive's data keys is given, readable."""
    if not settings.PRODUCTION:
        return []
    path = settings.FILES_MASTER_KEY_FILE
    if path is not None and path.is_file():
        return []
    return [
        checks.Error(
            "Aucune clé maîtresse ne protège les fichiers du Drive.",
            hint="Définissez BEFFROI_MASTER_KEY_FILE : un fichier lisible par Beffroi seul "
            "(mode 0600), le même sur chaque nœud, contenant 32 octets aléatoires en "
            "hexadécimal, par exemple créé par `openssl rand -hex 32`. Sauvegardez-le à part : "
            "sans lui, les fichiers sont illisibles.",
            id="beffroi.files.E001",
        )
    ]
