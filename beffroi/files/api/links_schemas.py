"""Schemas of the public links, versions, trash and quota endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


class LinkIn(Schema):
    kind: Literal["read", "deposit"] = Field(
        description="« read » : consulter et télécharger ; « deposit » : déposer des documents "
        "dans un dossier, sans rien voir ni télécharger."
    )
    label: str = Field("", max_length=200, pattern=ONE_LINE, description="Libellé libre.")
    password: str | None = Field(
        None, min_length=1, max_length=200, description="Mot de passe demandé aux visiteurs."
    )
    expires_at: datetime | None = Field(None, description="Le lien cesse de marcher à cet instant.")
    max_downloads: int | None = Field(
        None, ge=1, le=1_000_000, description="Téléchargements permis (liens de lecture)."
    )


class LinkOut(Schema):
    id: uuid.UUID
    kind: str
    state: str = Field(description="active, revoked, expired ou exhausted")
    url: str = Field(description="Adresse publique, relative au serveur (/p/…/).")
    label: str
    node_id: uuid.UUID
    node_name: str
    has_password: bool
    expires_at: datetime | None
    max_downloads: int | None
    download_count: int
    revoked_at: datetime | None
    created_at: datetime


class LinkAccessOut(Schema):
    at: datetime
    event: str
    address: str = Field(description="Réseau d'origine, tronqué (/24 en IPv4, /48 en IPv6).")
    name: str
    size: int | None


class VersionOut(Schema):
    id: uuid.UUID
    size: int
    created_at: datetime
    created_by: str = Field(description="Identifiant de l'agent, vide pour un dépôt public.")
    current: bool


class TrashedOut(Schema):
    id: uuid.UUID
    name: str
    is_folder: bool
    size: int
    trashed_at: datetime
    original_parent_id: uuid.UUID | None


class RestoredOut(Schema):
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    to_root: bool


class PurgedOut(Schema):
    purged: int


class UsageOut(Schema):
    limit: int | None = Field(description="Octets permis ; null : pas de limite.")
    used: int
    available: int | None
    current: int = Field(description="Versions actuelles des fichiers hors corbeille.")
    versions: int = Field(description="Versions plus anciennes.")
    trash: int = Field(description="Fichiers dans la corbeille, toutes versions.")


class QuotaIn(Schema):
    quota_bytes: int | None = Field(
        description="Quota propre à l'espace en octets (0 : pas de limite) ; null : le quota "
        "par défaut de son type.",
        ge=0,
        le=2**62,
    )
