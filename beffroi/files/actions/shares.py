"""Sharing: give a role on a folder or a file, change it, take it back, stop or resume the
inheritance of roles at a folder. Only a manager of the node may; every change is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.directory.principals import principals
from beffroi.files import policies
from beffroi.files.actions.nodes import do_open_department_space
from beffroi.files.models import Node, Share, Space

Grantee = Agent | AgentGroup | Department


def _require_manager(actor: Any, node: Node) -> None:
    granted = policies.abilities(actor, node)
    if not granted.read:
        raise NotFound
    if not granted.share:
        raise NotAllowed(gettext("Seuls les gestionnaires de cet élément peuvent le partager."))


def _keep_manager(actor: Any, node: Node) -> None:
    """Refuse a change that would take the manager's own right to share away (the transaction
    is rolled back): nobody locks themselves out by mistake."""
    fresh = Node.objects.select_related("space").get(pk=node.pk)
    if not policies.abilities(actor, fresh).share:
        raise InvalidInput(
            gettext(
                "Ce changement vous retirerait le rôle de gestionnaire de cet élément : "
                "demandez-le à un autre gestionnaire."
            )
        )


def _locked(node: Node) -> Node:
    locked = Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=node.pk)
    if locked.trashed_at is not None:
        raise NotFound
    return locked


def _clean_role(role: str) -> str:
    if role not in Share.Role.values:
        message = gettext("Choisissez un rôle : lecteur, éditeur ou gestionnaire.")
        raise InvalidInput(message, fields={"role": [message]})
    return role


def _grantee_field(grantee: Grantee) -> str:
    if isinstance(grantee, Agent):
        return "agent"
    if isinstance(grantee, AgentGroup):
        return "group"
    return "department"


def _grantee_details(share: Share) -> dict[str, str]:
    if share.agent_id is not None:
        return {"agent": str(share.agent_id)}
    if share.group_id is not None:
        return {"group": str(share.group_id)}
    return {"department": str(share.department_id)}


def do_share(
    actor: Any, node: Node, grantee: Grantee, role: str, *, address: str | None = None
) -> Share:
    """Give ``grantee`` the ``role`` on ``node`` and below (or change the role it had there)."""
    role = _clean_role(role)
    if isinstance(grantee, Agent) and not grantee.can_sign_in:
        message = gettext("Ce compte est suspendu ou parti : il ne peut rien recevoir.")
        raise InvalidInput(message, fields={"agent_id": [message]})
    with transaction.atomic():
        node = _locked(node)
        _require_manager(actor, node)
        share, created = Share.objects.get_or_create(
            node=node,
            **{_grantee_field(grantee): grantee},
            defaults={
                "role": role,
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        previous = "" if created else share.role
        if not created and share.role != role:
            share.role = role
            share.save(update_fields=["role", "updated_at"])
            _keep_manager(actor, node)
        if created or previous != role:
            record(
                "files.share.created" if created else "files.share.role_changed",
                actor=actor,
                target=node,
                address=address,
                details={
                    "share": str(share.pk),
                    "role": role,
                    **({"previous_role": previous} if previous else {}),
                    **_grantee_details(share),
                },
            )
    return share


def do_change_share_role(
    actor: Any, share: Share, role: str, *, address: str | None = None
) -> Share:
    role = _clean_role(role)
    with transaction.atomic():
        node = _locked(share.node)
        _require_manager(actor, node)
        share = Share.objects.select_for_update().get(pk=share.pk)
        previous = share.role
        if previous != role:
            share.role = role
            share.save(update_fields=["role", "updated_at"])
            _keep_manager(actor, node)
            record(
                "files.share.role_changed",
                actor=actor,
                target=node,
                address=address,
                details={
                    "share": str(share.pk),
                    "role": role,
                    "previous_role": previous,
                    **_grantee_details(share),
                },
            )
    return share


def do_unshare(actor: Any, share: Share, *, address: str | None = None) -> None:
    """Take back a share."""
    with transaction.atomic():
        node = _locked(share.node)
        _require_manager(actor, node)
        share = Share.objects.select_for_update().get(pk=share.pk)
        details = {"share": str(share.pk), "role": share.role, **_grantee_details(share)}
        share.delete()
        _keep_manager(actor, node)
        record("files.share.deleted", actor=actor, target=node, address=address, details=details)


def do_set_inheritance(
    actor: Any, folder: Node, *, inherits: bool, address: str | None = None
) -> Node:
    """Stop (``inherits=False``) or resume the roles that come from above ``folder``."""
    with transaction.atomic():
        folder = _locked(folder)
        _require_manager(actor, folder)
        if not folder.is_folder or folder.parent_id is None:
            raise InvalidInput(
                gettext(
                    "Seul un dossier, hors racine de l'espace, peut cesser d'hériter des droits."
                )
            )
        if folder.stops_inheritance == (not inherits):
            return folder
        folder.stops_inheritance = not inherits
        folder.save(update_fields=["stops_inheritance", "updated_at"])
        _keep_manager(actor, folder)
        record(
            "files.inheritance.resumed" if inherits else "files.inheritance.stopped",
            actor=actor,
            target=folder,
            address=address,
            details={"name": folder.name, "space": str(folder.space_id)},
        )
    return folder


def do_open_department_spaces(agent: Agent) -> list[Space]:
    """The drives of the departments ``agent`` works in or heads, created empty where they do
    not exist yet (so that ``/dav/spaces/`` lists them from the first visit)."""
    who = principals(agent)
    if who is None:
        return []
    departments = Department.objects.filter(pk__in=who.member_of | who.heads).exclude(
        space__isnull=False
    )
    for department in departments:
        do_open_department_space(department)
    return list(Space.objects.filter(department_id__in=who.member_of | who.heads))
