from __future__ import annotations

import datetime
import uuid

from ninja import Field, Schema

from beffroi.wiki.actions import MAX_BODY, MAX_TITLE

TITLE = r"^[^\x00-\x1f\x7f\[\]|]*$"


class PageOut(Schema):
    id: uuid.UUID
    title: str
    parent_id: uuid.UUID | None
    version: int
    updated_at: datetime.datetime
    url: str


class PageDetailOut(PageOut):
    body: str = Field(description="Texte Markdown")
    html: str = Field(description="Rendu HTML assaini")


class PageIn(Schema):
    title: str = Field(min_length=1, max_length=MAX_TITLE, pattern=TITLE)
    body: str = Field("", max_length=MAX_BODY)
    parent_id: uuid.UUID | None = None


class PageSaveIn(Schema):
    title: str = Field(min_length=1, max_length=MAX_TITLE, pattern=TITLE)
    body: str = Field("", max_length=MAX_BODY)
    base_version: int = Field(ge=1, le=2_000_000_000, description="Version de départ du texte")


class PageSavedOut(PageDetailOut):
    merged: bool = Field(description="Des modifications concurrentes ont été fusionnées")
