"""Every write to workspaces: one transaction each, audited, with a line in the workspace's
activity and a notification for whoever it concerns."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.audit.actions import record
from beffroi.calendars.actions import do_ensure_workspace_calendar
from beffroi.core import request_memo
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.files.actions.nodes import do_create_folder, do_open_workspace_space
from beffroi.files.models import Space
from beffroi.notifications.actions import do_notify
from beffroi.notifications.models import Kind as NotificationKind
from beffroi.tasks.actions import do_create_board
from beffroi.wiki.actions import do_create_page
from beffroi.workspaces import blueprints, policies
from beffroi.workspaces.activity import record_activity
from beffroi.workspaces.models import JoinRequest, Membership, Role, Workspace
from beffroi.workspaces.queries import member_ids

Grantee = Agent | AgentGroup | Department
MAX_NAME = 150
MAX_DESCRIPTION = 5000


class LastManager(InvalidInput):
    code = "dernier_gestionnaire"
    http_status = 409
    default_message = gettext_lazy(
        "Un espace garde au moins un gestionnaire nommé : désignez-en un autre d'abord."
    )


class AlreadyMember(InvalidInput):
    code = "deja_membre"
    http_status = 409
    default_message = gettext_lazy("Déjà membre de cet espace.")


def url_of(workspace: Workspace) -> str:
    return reverse("workspaces:detail", args=[workspace.slug])


def _forget_roles() -> None:
    request_memo.forget("workspaces.roles")
    request_memo.forget("directory.principals")


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(fields={"name": [_("Donnez un nom à l'espace.")]})
    if len(name) > MAX_NAME:
        raise InvalidInput(
            fields={"name": [_("Le nom tient en %(max)d caractères.") % {"max": MAX_NAME}]}
        )
    return name


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_description(description: str) -> str:
    # Control characters (a NUL above all, which PostgreSQL refuses) are dropped; lines stay.
    description = _CONTROL.sub("", description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            fields={
                "description": [
                    _("La description tient en %(max)d caractères.") % {"max": MAX_DESCRIPTION}
                ]
            }
        )
    return description


def _free_slug(name: str) -> str:
    base = (slugify(name) or "espace")[:60].strip("-") or "espace"
    candidate, number = base, 1
    while (
        Workspace.objects.filter(slug=candidate).exists()
        or Space.objects.filter(slug=candidate).exists()
    ):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _require(user: Any, workspace: Workspace, ability: str) -> policies.WorkspaceAbilities:
    granted = policies.abilities(user, workspace)
    if not granted.see and not granted.restore:
        raise NotFound
    if not getattr(granted, ability):
        raise NotAllowed
    return granted


def _visibility(value: str) -> str:
    if value not in Workspace.Visibility.values:
        raise InvalidInput(fields={"visibility": [_("Choisissez une visibilité proposée.")]})
    return value


def do_create_workspace(
    actor: Agent,
    name: str,
    *,
    description: str = "",
    visibility: str = Workspace.Visibility.PRIVATE,
    blueprint: str = blueprints.DEFAULT,
) -> Workspace:
    """A new workspace, its creator as manager, and what its blueprint starts it with."""
    if not policies.may_create_workspace(actor):
        raise NotAllowed
    name = _clean_name(name)
    description = _clean_description(description)
    visibility = _visibility(visibility)
    plan = blueprints.BLUEPRINTS.get(blueprint)
    if plan is None:
        raise InvalidInput(fields={"blueprint": [_("Choisissez un modèle proposé.")]})
    with transaction.atomic():
        workspace = Workspace.objects.create(
            name=name,
            slug=_free_slug(name),
            description=description,
            visibility=visibility,
            blueprint=plan.code,
            created_by=actor,
        )
        Membership.objects.create(
            workspace=workspace, agent=actor, role=Role.MANAGER, added_by=actor
        )
        _forget_roles()
        record("workspaces.created", actor=actor, target=workspace, details={"name": name})
        record_activity(workspace, actor, "workspace_created", name, url_of(workspace))
        space = do_open_workspace_space(workspace)
        root = space.nodes.get(parent=None)
        for folder in plan.folders:
            do_create_folder(actor, root, str(folder))
        for page in plan.pages:
            do_create_page(actor, workspace, str(page.title), str(page.body), quiet=True)
        do_create_board(actor, workspace, [str(column) for column in plan.columns])
        do_ensure_workspace_calendar(actor, workspace)
    return workspace


def do_update_workspace(
    actor: Agent, workspace: Workspace, *, name: str, description: str, visibility: str
) -> Workspace:
    _require(actor, workspace, "manage")
    with transaction.atomic():
        workspace.name = _clean_name(name)
        workspace.description = _clean_description(description)
        workspace.visibility = _visibility(visibility)
        workspace.save(update_fields=["name", "description", "visibility", "updated_at"])
        record(
            "workspaces.updated", actor=actor, target=workspace, details={"name": workspace.name}
        )
    return workspace


def _grantee_fields(grantee: Grantee) -> dict[str, Grantee]:
    if isinstance(grantee, Agent):
        return {"agent": grantee}
    if isinstance(grantee, AgentGroup):
        return {"group": grantee}
    return {"department": grantee}


def grantee_label(grantee: Grantee) -> str:
    if isinstance(grantee, Agent):
        return grantee.display_name
    return grantee.name


def do_add_member(actor: Agent, workspace: Workspace, grantee: Grantee, role: str) -> Membership:
    """Give ``grantee`` a role in the workspace; the agents it reaches are told."""
    _require(actor, workspace, "manage")
    if role not in Role.values:
        raise InvalidInput(fields={"role": [_("Choisissez un rôle proposé.")]})
    if isinstance(grantee, Agent) and not grantee.can_sign_in:
        raise InvalidInput(fields={"agent": [_("Ce compte n'est pas actif.")]})
    before = member_ids(workspace)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                workspace=workspace, role=role, added_by=actor, **_grantee_fields(grantee)
            )
            _forget_roles()
            label = grantee_label(grantee)
            record(
                "workspaces.member_added",
                actor=actor,
                target=workspace,
                details={"member": label, "role": role},
            )
            record_activity(workspace, actor, "member_added", label, url_of(workspace))
            newcomers = Agent.objects.filter(pk__in=member_ids(workspace) - before)
            do_notify(
                newcomers,
                NotificationKind.INVITATION,
                _("%(actor)s vous a ajouté à l'espace « %(workspace)s ».")
                % {"actor": actor.display_name, "workspace": workspace.name},
                url_of(workspace),
                actor=actor,
            )
    except IntegrityError:
        raise AlreadyMember from None
    return membership


def _named_managers(workspace: Workspace) -> int:
    return Membership.objects.filter(
        workspace=workspace, role=Role.MANAGER, agent__isnull=False
    ).count()


def do_change_role(actor: Agent, membership: Membership, role: str) -> Membership:
    _require(actor, membership.workspace, "manage")
    if role not in Role.values:
        raise InvalidInput(fields={"role": [_("Choisissez un rôle proposé.")]})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            locked.role == Role.MANAGER
            and role != Role.MANAGER
            and locked.agent_id is not None
            and _named_managers(locked.workspace) <= 1
        ):
            raise LastManager
        locked.role = role
        locked.save(update_fields=["role", "updated_at"])
        _forget_roles()
        record(
            "workspaces.role_changed",
            actor=actor,
            target=locked.workspace,
            details={"member": locked.grantee_label, "role": role},
        )
    return locked


def do_remove_member(actor: Agent, membership: Membership) -> None:
    workspace = membership.workspace
    _require(actor, workspace, "manage")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            locked.role == Role.MANAGER
            and locked.agent_id is not None
            and _named_managers(workspace) <= 1
        ):
            raise LastManager
        label = locked.grantee_label
        locked.delete()
        _forget_roles()
        record(
            "workspaces.member_removed", actor=actor, target=workspace, details={"member": label}
        )
        record_activity(workspace, actor, "member_removed", label, url_of(workspace))


def do_ask_to_join(actor: Agent, workspace: Workspace, message: str = "") -> JoinRequest:
    """An agent asks to join a listed workspace; its managers are told."""
    _require(actor, workspace, "ask_to_join")
    message = (message or "").strip()[:2000]
    with transaction.atomic():
        existing = JoinRequest.objects.filter(
            workspace=workspace, agent=actor, status=JoinRequest.Status.PENDING
        ).first()
        if existing is not None:
            return existing
        request = JoinRequest.objects.create(workspace=workspace, agent=actor, message=message)
        record("workspaces.join_requested", actor=actor, target=workspace)
        managers = Agent.objects.filter(
            pk__in=Membership.objects.filter(
                workspace=workspace, role=Role.MANAGER, agent__isnull=False
            ).values("agent_id")
        )
        do_notify(
            managers,
            NotificationKind.JOIN_REQUEST,
            _("%(actor)s demande à rejoindre l'espace « %(workspace)s ».")
            % {"actor": actor.display_name, "workspace": workspace.name},
            reverse("workspaces:members", args=[workspace.slug]),
            actor=actor,
        )
    return request


def do_decide_join_request(
    actor: Agent, request: JoinRequest, *, accept: bool, role: str = Role.CONTRIBUTOR
) -> JoinRequest:
    workspace = request.workspace
    _require(actor, workspace, "manage")
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            return locked
        locked.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.REFUSED
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_by", "updated_at"])
        if (
            accept
            and not Membership.objects.filter(workspace=workspace, agent=locked.agent).exists()
        ):
            do_add_member(actor, workspace, locked.agent, role)
    return locked


def _set_archived(actor: Agent, workspace: Workspace, archived: bool) -> Workspace:
    _require(actor, workspace, "manage")
    with transaction.atomic():
        workspace.archived_at = timezone.now() if archived else None
        workspace.save(update_fields=["archived_at", "updated_at"])
        _forget_roles()
        if archived:
            record("workspaces.archived", actor=actor, target=workspace)
            record_activity(workspace, actor, "workspace_archived", workspace.name)
        else:
            record("workspaces.unarchived", actor=actor, target=workspace)
            record_activity(workspace, actor, "workspace_unarchived", workspace.name)
    return workspace


def do_archive_workspace(actor: Agent, workspace: Workspace) -> Workspace:
    """Read-only from now on: pages, tasks and files stay, nobody changes them."""
    return _set_archived(actor, workspace, True)


def do_unarchive_workspace(actor: Agent, workspace: Workspace) -> Workspace:
    return _set_archived(actor, workspace, False)


def do_trash_workspace(actor: Agent, workspace: Workspace) -> Workspace:
    """Into the bin: nobody sees it any more but its managers, who may restore it."""
    _require(actor, workspace, "manage")
    with transaction.atomic():
        workspace.trashed_at = timezone.now()
        workspace.save(update_fields=["trashed_at", "updated_at"])
        _forget_roles()
        record("workspaces.trashed", actor=actor, target=workspace)
    return workspace


def do_restore_workspace(actor: Agent, workspace: Workspace) -> Workspace:
    _require(actor, workspace, "restore")
    with transaction.atomic():
        workspace.trashed_at = None
        workspace.save(update_fields=["trashed_at", "updated_at"])
        _forget_roles()
        record("workspaces.restored", actor=actor, target=workspace)
    return workspace
