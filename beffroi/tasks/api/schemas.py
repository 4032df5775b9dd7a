from __future__ import annotations

import datetime
import uuid

from ninja import Field, Schema

from beffroi.tasks.actions import MAX_DESCRIPTION, MAX_TITLE

ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


class CardOut(Schema):
    id: uuid.UUID
    title: str
    column_id: uuid.UUID
    workspace: str = Field(description="Identifiant (slug) de l'espace")
    due_date: datetime.date | None
    labels: list[str]
    assignees: list[str] = Field(description="Identifiants des agents")
    url: str


class ColumnOut(Schema):
    id: uuid.UUID
    name: str
    cards: list[CardOut]


class CardIn(Schema):
    column_id: uuid.UUID
    title: str = Field(min_length=1, max_length=MAX_TITLE, pattern=ONE_LINE)
    description: str = Field("", max_length=MAX_DESCRIPTION)
    due_date: datetime.date | None = None
    labels: list[str] = Field(default_factory=list, max_length=10)
    assignees: list[str] = Field(default_factory=list, max_length=50, description="Identifiants")


class CardMoveIn(Schema):
    column_id: uuid.UUID
    position: int | None = Field(None, ge=0, le=100_000)
