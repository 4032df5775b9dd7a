"""What the drive's API reads and writes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

# One name of a file or folder: checked again, fully, by the drive (``names.clean_name``).
NAME_PATTERN = r"^[^\x00-\x1f\x7f/\\]*$"
NAME_HELP = "Nom du fichier ou du dossier (sans « / »)"
RoleName = Literal["reader", "editor", "manager"]


class AbilitiesOut(Schema):
    read: bool
    write: bool
    delete: bool
    share: bool
    traverse: bool = Field(
        description="Peut ouvrir ce dossier pour atteindre ce qui est partagé plus bas, "
        "sans voir le reste"
    )
    role: str = Field(description="reader, editor, manager, ou vide")


class SpaceOut(Schema):
    id: uuid.UUID
    slug: str
    kind: str
    name: str
    root_id: uuid.UUID
    abilities: AbilitiesOut
    webdav_path: str


class NodeOut(Schema):
    id: uuid.UUID
    space_id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    is_folder: bool
    size: int
    content_type: str
    etag: str
    modified_at: datetime
    stops_inheritance: bool
    abilities: AbilitiesOut


class FolderIn(Schema):
    name: str = Field(min_length=1, max_length=255, pattern=NAME_PATTERN, description=NAME_HELP)


class NodeUpdateIn(Schema):
    name: str | None = Field(
        default=None, min_length=1, max_length=255, pattern=NAME_PATTERN, description=NAME_HELP
    )
    parent_id: uuid.UUID | None = Field(default=None, description="Dossier de destination")


class InheritanceIn(Schema):
    inherits: bool = Field(
        description="false : ce dossier n'hérite plus des droits donnés au-dessus de lui"
    )


class GranteeOut(Schema):
    kind: Literal["agent", "group", "department"]
    id: uuid.UUID
    name: str


class ShareOut(Schema):
    id: uuid.UUID
    node_id: uuid.UUID
    role: str
    grantee: GranteeOut
    created_at: datetime


class ShareIn(Schema):
    role: RoleName
    agent_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


class ShareRoleIn(Schema):
    role: RoleName


class SharedItemOut(Schema):
    node: NodeOut
    space: SpaceOut
    path: str


class ReasonOut(Schema):
    code: str = Field(description="owner, department_head, department_member, share ou traverse")
    role: str
    message: str
    applies: bool = Field(description="false : arrêté par un dossier qui n'hérite pas")
    node_id: uuid.UUID | None
    path: str
    inherited: bool


class ExplanationOut(Schema):
    agent_id: uuid.UUID
    abilities: AbilitiesOut
    reasons: list[ReasonOut]


class ExplanationQuery(Schema):
    agent_id: uuid.UUID | None = Field(
        default=None, description="La personne dont on demande les droits (par défaut : soi)"
    )
