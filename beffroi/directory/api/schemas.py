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
