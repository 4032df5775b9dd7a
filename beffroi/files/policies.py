"""What a person may do with a node of the drive.

Today: an agent reads and writes their personal drive, the members of a department read and
write its drive, and nobody else sees them. Shares (reader, editor, manager on a folder or a
file, inherited down the tree) will add to ``abilities`` without changing its callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beffroi.files.models import Node, Space


@dataclass(frozen=True)
class Abilities:
    read: bool = False
    write: bool = False


NONE = Abilities()
OWNER = Abilities(read=True, write=True)


def _is_active_agent(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "can_sign_in", False))


def space_abilities(user: Any, space: Space) -> Abilities:
    """What ``user`` may do anywhere in ``space``."""
    if not _is_active_agent(user):
        return NONE
    if space.kind == Space.Kind.PERSONAL:
        return OWNER if space.owner_id == user.pk else NONE
    if (
        space.department_id is not None
        and user.memberships.filter(department_id=space.department_id).exists()
    ):
        return OWNER
    return NONE


def abilities(user: Any, node: Node) -> Abilities:
    """What ``user`` may do with ``node`` (and, for a folder, inside it)."""
    return space_abilities(user, node.space)
