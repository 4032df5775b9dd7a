"""What a person may do with a node of the drive, and why.

Roles, from weakest to strongest: reader (read), editor (read, write, delete), manager (all of
that, and share). Where a role comes from:

- the owner of a personal drive is its manager, everywhere in it;
- the heads of a department (``DepartmentMembership.is_manager``, on the department or on one
  above it, as the directory counts them) are managers of its drive, everywhere in it;
- the members of a department are editors of its drive, from its root down;
- a ``Share`` gives its role on its node and below, to an agent, to the members of a group, or
  to the members of a department and of the departments below it.

Roles inherit down the tree; a folder that stops inheritance keeps its own shares (and those
below it) but cuts what comes from above it: the shares of its ancestors and the department
members' role. The space's managers are never cut off, so that nothing can become unreachable.
The strongest role that reaches a node wins.

Someone who may read nothing in a folder but something further down it may still *traverse*
it: see its name and open it, where only the way down to what they may read shows.

Cost: the chain of ancestors of a node comes in one recursive query, the shares on it in a
second; the person's groups and departments in three small ones. ``children_abilities`` derives
a whole folder listing from the folder's answer with one more query.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext

from beffroi.directory.models import Department, DepartmentMembership
from beffroi.directory.principals import Principals, principals
from beffroi.files.models import Node, Share, Space
from beffroi.workspaces import policies as workspace_policies

READER = Share.Role.READER.value
EDITOR = Share.Role.EDITOR.value
MANAGER = Share.Role.MANAGER.value
_RANK = {"": 0, READER: 1, EDITOR: 2, MANAGER: 3}


@dataclass(frozen=True)
class Abilities:
    read: bool = False
    write: bool = False
    delete: bool = False
    share: bool = False
    # May open this folder to reach something shared further down, and see only that way.
    traverse: bool = False
    role: str = ""


NONE = Abilities()
TRAVERSE = Abilities(traverse=True)


def for_role(role: str) -> Abilities:
    rank = _RANK.get(role, 0)
    if rank == 0:
        return NONE
    return Abilities(
        read=True, write=rank >= 2, delete=rank >= 2, share=rank >= 3, traverse=True, role=role
    )


def strongest(*roles: str) -> str:
    return max(roles, key=lambda role: _RANK.get(role, 0), default="")


# --- The chain of ancestors -------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A node of a chain of ancestors, as little of it as the rules need."""

    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    stops_inheritance: bool
    trashed: bool


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def chains(node_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Link]]:
    """Each node with all its ancestors, nearest first, in one recursive query."""
    ids = list(dict.fromkeys(node_ids))
    if not ids:
        return {}
    table = connection.ops.quote_name(Node._meta.db_table)
    pk = Node._meta.pk
    assert pk is not None
    prepared = [pk.get_db_prep_value(node_id, connection) for node_id in ids]
    marks = ", ".join(["%s"] * len(ids))
    sql = f"""
        WITH RECURSIVE chain(start_id, id, parent_id, name, stops, trashed, depth) AS (
            SELECT id, id, parent_id, name, stops_inheritance,
                   CASE WHEN trashed_at IS NULL THEN 0 ELSE 1 END, 0
            FROM {table} WHERE id IN ({marks})
            UNION ALL
            SELECT chain.start_id, node.id, node.parent_id, node.name, node.stops_inheritance,
                   CASE WHEN node.trashed_at IS NULL THEN 0 ELSE 1 END, chain.depth + 1
            FROM {table} node JOIN chain ON node.id = chain.parent_id
        )
        SELECT start_id, id, parent_id, name, stops, trashed FROM chain
        ORDER BY start_id, depth
    """  # noqa: S608 - the table name is ours, the values are parameters
    found: dict[uuid.UUID, list[Link]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, prepared)
        for start, node_id, parent_id, name, stops, trashed in cursor.fetchall():
            found.setdefault(_as_uuid(start), []).append(
                Link(
                    id=_as_uuid(node_id),
                    parent_id=None if parent_id is None else _as_uuid(parent_id),
                    name=name,
                    stops_inheritance=bool(stops),
                    trashed=bool(trashed),
                )
            )
    return found


_CHAIN = "_beffroi_chain"


def remember_chains(path: Sequence[Node]) -> None:
    """Let each node of ``path`` (a root and the nodes below it, in order, as a walk down
    the tree found them) keep its chain of ancestors for ``abilities``."""
    chain: list[Link] = []
    for node in path:
        link = Link(
            id=node.pk,
            parent_id=node.parent_id,
            name=node.name,
            stops_inheritance=node.stops_inheritance,
            trashed=node.trashed_at is not None,
        )
        chain = [link, *chain]
        node.__dict__[_CHAIN] = chain


def path_of(chain: Sequence[Link]) -> str:
    """``/Plans/Confidentiel`` for a chain nearest first."""
    return "/" + "/".join(link.name for link in reversed(chain) if link.parent_id is not None)


# --- Roles ------------------------------------------------------------------------------------


# A workspace's role, as a role on its drive.
_WORKSPACE_ROLE = {
    workspace_policies.READER: READER,
    workspace_policies.CONTRIBUTOR: EDITOR,
    workspace_policies.MANAGER: MANAGER,
}


def _workspace_role(who: Principals, space: Space) -> str:
    """The drive role the workspace gives (an archived workspace's drive is read-only, even
    for its managers)."""
    if space.workspace_id is None:
        return ""
    role, archived = workspace_policies.roles_by_workspace(who).get(space.workspace_id, ("", False))
    drive_role = _WORKSPACE_ROLE.get(role, "")
    return READER if archived and drive_role else drive_role


def _space_manager(who: Principals, space: Space) -> bool:
    if space.kind == Space.Kind.PERSONAL:
        return space.owner_id == who.agent_id
    if space.kind == Space.Kind.WORKSPACE:
        return _workspace_role(who, space) == MANAGER
    return space.department_id is not None and space.department_id in who.heads


def _member_role(who: Principals, space: Space) -> str:
    """The role members of the space's department or workspace have from its root down."""
    if space.kind == Space.Kind.DEPARTMENT:
        return EDITOR if space.department_id in who.member_of else ""
    if space.kind == Space.Kind.WORKSPACE:
        return _workspace_role(who, space)
    return ""


def _roles_by_node(who: Principals, node_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    roles: dict[uuid.UUID, str] = {}
    for node_id, role in Share.objects.filter(
        who.shares_filter(), node_id__in=list(node_ids)
    ).values_list("node_id", "role"):
        roles[node_id] = strongest(roles.get(node_id, ""), role)
    return roles


def _role_on_chain(
    who: Principals, space: Space, chain: Sequence[Link], shared: dict[uuid.UUID, str]
) -> str:
    role = MANAGER if _space_manager(who, space) else ""
    for link in chain:
        role = strongest(role, shared.get(link.id, ""))
        if link.stops_inheritance and link.parent_id is not None:
            return role
    return strongest(role, _member_role(who, space))


def _reachable(who: Principals, space_id: uuid.UUID) -> set[uuid.UUID]:
    """Folders above something shared with the person in this space (the way down to it)."""
    targets = Share.objects.filter(
        who.shares_filter(), node__space_id=space_id, node__trashed_at=None
    ).values_list("node_id", flat=True)
    ways: set[uuid.UUID] = set()
    for chain in chains(targets).values():
        if not any(link.trashed for link in chain):
            ways.update(link.id for link in chain[1:])
    return ways


_MEMO = "_beffroi_abilities"


def _memo_key(user: Any) -> Any:
    return getattr(user, "pk", None)


def abilities(user: Any, node: Node) -> Abilities:
    """What ``user`` may do with ``node`` (and, for a folder, inside it)."""
    memo = node.__dict__.get(_MEMO)
    if memo is not None and memo[0] == _memo_key(user):
        granted: Abilities = memo[1]
        return granted
    who = principals(user)
    if who is None:
        return NONE
    chain = node.__dict__.get(_CHAIN) or chains([node.pk]).get(node.pk, [])
    role = _role_on_chain(who, node.space, chain, _roles_by_node(who, [link.id for link in chain]))
    if role:
        return for_role(role)
    if node.is_folder and node.pk in _reachable(who, node.space_id):
        return TRAVERSE
    return NONE


def children_abilities(
    user: Any, folder: Node, children: Sequence[Node], on_folder: Abilities | None = None
) -> list[Abilities]:
    """The abilities on each child of ``folder``, from the folder's own (``on_folder`` if the
    caller has it) and one query for the children's shares; each child remembers its answer
    for the rest of the request."""
    who = principals(user)
    if who is None:
        return [NONE for _ in children]
    inherited = (on_folder or abilities(user, folder)).role
    space_role = MANAGER if _space_manager(who, folder.space) else ""
    # The children's own shares, by their parent (no list of ten thousand ids to send).
    shared: dict[uuid.UUID, str] = {}
    for node_id, role in Share.objects.filter(
        who.shares_filter(), node__parent_id=folder.pk
    ).values_list("node_id", "role"):
        shared[node_id] = strongest(shared.get(node_id, ""), role)
    ways: set[uuid.UUID] | None = None
    answers: list[Abilities] = []
    for child in children:
        reaching = space_role if child.stops_inheritance else inherited
        granted = for_role(strongest(reaching, shared.get(child.pk, "")))
        if not granted.read and child.is_folder:
            if ways is None:
                ways = _reachable(who, folder.space_id)
            granted = TRAVERSE if child.pk in ways else NONE
        child.__dict__[_MEMO] = (_memo_key(user), granted)
        answers.append(granted)
    return answers


def space_abilities(user: Any, space: Space) -> Abilities:
    """What ``user`` may do at the root of ``space`` through the space alone (no shares)."""
    who = principals(user)
    if who is None:
        return NONE
    if _space_manager(who, space):
        return for_role(MANAGER)
    return for_role(_member_role(who, space))


def readable_ids(user: Any, node_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Of ``node_ids``, the living nodes ``user`` may read, in three queries whatever their
    number (the chains, the shares on them, the spaces): how search results are filtered."""
    who = principals(user)
    ids = list(dict.fromkeys(node_ids))
    if who is None or not ids:
        return set()
    found = chains(ids)
    shared = _roles_by_node(who, {link.id for chain in found.values() for link in chain})
    spaces = {
        node.pk: node.space
        for node in Node.objects.filter(pk__in=list(found))
        .select_related("space")
        .only("pk", "space")
    }
    readable: set[uuid.UUID] = set()
    for node_id, chain in found.items():
        space = spaces.get(node_id)
        if space is None or any(link.trashed for link in chain):
            continue
        if _role_on_chain(who, space, chain, shared):
            readable.add(node_id)
    return readable


def visible_spaces_filter(user: Any) -> Q | None:
    """Spaces ``user`` sees: their own drive, their departments', and any with something
    shared with them (``None``: none at all)."""
    who = principals(user)
    if who is None:
        return None
    shared = Share.objects.filter(who.shares_filter(), node__trashed_at=None).values(
        "node__space_id"
    )
    workspaces = [
        workspace
        for workspace, (role, _archived) in workspace_policies.roles_by_workspace(who).items()
        if role
    ]
    return (
        Q(owner_id=who.agent_id)
        | Q(department_id__in=who.member_of | who.heads)
        | Q(workspace_id__in=workspaces)
        | Q(pk__in=shared)
    )


# --- Why ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One reason a person has (or would have, but for a folder that stops inheritance) a
    role on a node, in words."""

    code: str
    role: str
    message: str
    applies: bool
    node_id: uuid.UUID | None = None
    path: str = ""
    inherited: bool = False


@dataclass(frozen=True)
class Explanation:
    abilities: Abilities
    reasons: list[Reason] = field(default_factory=list)


def role_label(role: str) -> str:
    return str(dict(Share.Role.choices).get(role, role))


def _department_names(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(Department.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def _space_reasons(who: Principals, space: Space, cut_at: str) -> list[Reason]:
    reasons: list[Reason] = []
    if space.kind == Space.Kind.PERSONAL and space.owner_id == who.agent_id:
        reasons.append(
            Reason("owner", MANAGER, gettext("Propriétaire de cet espace personnel."), True)
        )
    workspace_role = _workspace_role(who, space)
    if workspace_role:
        message = gettext("Membre de l'espace de travail : %(role)s de ses fichiers.") % {
            "role": role_label(workspace_role)
        }
        applies = workspace_role == MANAGER or not cut_at
        if not applies:
            message += " " + _cut_message(cut_at)
        reasons.append(Reason("workspace_member", workspace_role, message, applies, inherited=True))
    department_id = space.department_id
    if department_id is None:
        return reasons
    if department_id in who.heads:
        names = _department_names(who.heads)
        headed = DepartmentMembership.objects.filter(
            agent_id=who.agent_id, is_manager=True
        ).values_list("department_id", flat=True)
        via = ", ".join(sorted(names.get(d, "") for d in headed if d in who.heads))
        reasons.append(
            Reason(
                "department_head",
                MANAGER,
                gettext("Responsable du service « %(name)s » : gestionnaire de cet espace.")
                % {"name": via},
                True,
            )
        )
    if department_id in who.member_of:
        name = _department_names([department_id]).get(department_id, "")
        message = gettext("Membre du service « %(name)s » : éditeur de son espace.") % {
            "name": name
        }
        if cut_at:
            message += " " + _cut_message(cut_at)
        reasons.append(Reason("department_member", EDITOR, message, not cut_at, inherited=True))
    return reasons


def _cut_message(path: str) -> str:
    return gettext("Ne s'applique pas ici : « %(path)s » n'hérite pas des droits.") % {"path": path}


def _share_message(share: Share, who: Principals, path: str) -> str:
    values = {"role": role_label(share.role), "path": path}
    if share.agent_id is not None:
        return gettext("Partage nominatif en %(role)s sur « %(path)s ».") % values
    if share.group is not None:
        return gettext("Membre du groupe « %(group)s » : partage en %(role)s sur « %(path)s ».") % {
            **values,
            "group": share.group.name,
        }
    assert share.department is not None
    if share.department_id in who.member_of:
        return gettext(
            "Membre du service « %(department)s » : partage en %(role)s sur « %(path)s »."
        ) % {**values, "department": share.department.name}
    return gettext(
        "Membre d'un service rattaché à « %(department)s » : partage en %(role)s sur « %(path)s »."
    ) % {**values, "department": share.department.name}


def explain(user: Any, node: Node) -> Explanation:
    """Why ``user`` may do what they may with ``node``: every role that reaches it, and those
    stopped on the way by a folder that does not inherit."""
    who = principals(user)
    if who is None:
        return Explanation(NONE, [])
    chain = chains([node.pk]).get(node.pk, [])
    cut_at = ""
    cut_depth = len(chain)
    for depth, link in enumerate(chain):
        if link.stops_inheritance and link.parent_id is not None:
            cut_at, cut_depth = path_of(chain[depth:]), depth
            break
    reasons = _space_reasons(who, node.space, cut_at)
    found = Share.objects.filter(
        who.shares_filter(), node_id__in=[link.id for link in chain]
    ).select_related("group", "department")
    by_node: dict[uuid.UUID, list[Share]] = {}
    for share in found:
        by_node.setdefault(share.node_id, []).append(share)
    for depth, link in enumerate(chain):
        for share in by_node.get(link.id, []):
            path = path_of(chain[depth:])
            applies = depth <= cut_depth
            message = _share_message(share, who, path)
            if depth > 0:
                message += " " + gettext("(hérité)")
            if not applies:
                message += " " + _cut_message(cut_at)
            reasons.append(
                Reason("share", share.role, message, applies, link.id, path, inherited=depth > 0)
            )
    granted = abilities(user, node)
    if not granted.read and granted.traverse:
        reasons.append(
            Reason(
                "traverse",
                "",
                gettext(
                    "Quelque chose est partagé plus bas dans ce dossier : seul le chemin qui y "
                    "mène est visible."
                ),
                True,
            )
        )
    return Explanation(granted, reasons)
