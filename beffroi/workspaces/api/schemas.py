from __future__ import annotations

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema

ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
RoleName = Literal["reader", "contributor", "manager"]


class WorkspaceOut(Schema):
    id: uuid.UUID
    slug: str
    name: str
    description: str
    visibility: Literal["private", "listed"]
    archived: bool
    role: str = Field(description="Rôle de l'appelant (vide s'il n'est pas membre)")
    dav_url: str


class WorkspaceIn(Schema):
    name: str = Field(min_length=1, max_length=150, pattern=ONE_LINE)
    description: str = Field("", max_length=5000)
    visibility: Literal["private", "listed"] = "private"
    blueprint: Literal["vierge", "projet-travaux", "cellule-crise", "evenement"] = "vierge"


class MemberOut(Schema):
    id: uuid.UUID
    kind: Literal["agent", "group", "department"]
    grantee_id: uuid.UUID
    label: str
    role: RoleName


class MemberIn(Schema):
    kind: Literal["agent", "group", "department"]
    grantee_id: uuid.UUID
    role: RoleName


class ActivityOut(Schema):
    actor: str
    verb: str
    text: str
    url: str
    created_at: datetime.datetime
