from __future__ import annotations

import uuid
from typing import Literal

from ninja import Field, Schema

ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


class AddressBookOut(Schema):
    id: str = Field(description="UUID du carnet, ou « annuaire » pour l'annuaire de l'organisation")
    slug: str
    name: str
    description: str
    owner: str = Field(description="Identifiant du propriétaire (vide pour l'annuaire)")
    role: Literal["owner", "manager", "editor", "reader"]
    read_only: bool
    dav_url: str


class AddressBookIn(Schema):
    slug: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
    name: str = Field(min_length=1, max_length=200, pattern=ONE_LINE)
    description: str = Field("", max_length=500)


class BookShareIn(Schema):
    kind: Literal["agent", "group", "department"]
    grantee_id: uuid.UUID
    role: Literal["reader", "editor", "manager"]


class BookShareOut(Schema):
    id: uuid.UUID
    kind: Literal["agent", "group", "department"]
    grantee_id: uuid.UUID
    label: str
    role: str


class CardOut(Schema):
    id: str = Field(description="Identifiant du contact dans le carnet")
    uid: str
    etag: str
    full_name: str
    emails: list[str]
    phones: list[str]
    organisation: str


class CardDetailOut(CardOut):
    vcard: str


class CardIn(Schema):
    """Either ``vcard`` (a whole vCard 3.0 or 4.0) or the fields, ``full_name`` at least."""

    vcard: str | None = Field(None, max_length=600_000)
    full_name: str = Field("", max_length=255, pattern=ONE_LINE)
    given_name: str = Field("", max_length=100, pattern=ONE_LINE)
    family_name: str = Field("", max_length=100, pattern=ONE_LINE)
    organisation: str = Field("", max_length=200, pattern=ONE_LINE)
    title: str = Field("", max_length=200, pattern=ONE_LINE)
    email: str = Field("", max_length=254, pattern=ONE_LINE)
    phone: str = Field("", max_length=40, pattern=ONE_LINE)
    mobile: str = Field("", max_length=40, pattern=ONE_LINE)
    note: str = Field("", max_length=2000)
    etag: str | None = Field(None, description="ETag connu ; refus (412) s'il a changé")


class CardSearchIn(Schema):
    q: str = Field("", max_length=200)


class ImportOut(Schema):
    created: int
    updated: int
