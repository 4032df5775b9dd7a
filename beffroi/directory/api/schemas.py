from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Field, Schema


class MeOut(Schema):
    id: uuid.UUID
    username: str
    display_name: str
    first_name: str
    last_name: str
    email: str
    kind: str
    job_title: str
    language: str
    is_admin: bool


class ApiTokenIn(Schema):
    label: str = Field(
        min_length=1,
        max_length=100,
        # One line of text: no control character (PostgreSQL refuses NUL in text, too).
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Nom du jeton, ex. « script de sauvegarde »",
    )


class ApiTokenOut(Schema):
    id: uuid.UUID
    label: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(description="Le jeton en clair : affiché cette seule fois.")


class DepartmentOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    parent_id: uuid.UUID | None


class AgentOut(Schema):
    """An agent as colleagues see them in pickers and the directory."""

    id: uuid.UUID
    username: str
    display_name: str
    email: str
    job_title: str
    phone: str
    kind: str
    departments: list[str] = Field(description="Codes des services de l'agent.")


class AgentSearchIn(Schema):
    q: str = Field(
        "",
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Mots cherchés dans le nom, l'identifiant, l'adresse ou la fonction",
    )
    department: uuid.UUID | None = Field(None, description="Identifiant d'un service")
