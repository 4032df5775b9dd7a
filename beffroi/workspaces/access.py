"""Reads of workspaces for a person: one NotFound for a workspace that does not exist and for
one they may not see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.errors import NotAllowed, NotFound
from beffroi.directory.principals import principals
from beffroi.workspaces import policies
from beffroi.workspaces.models import Activity, JoinRequest, Membership, Workspace


class GuestsHaveNoDirectory(NotAllowed):
    code = "annuaire_reserve_aux_agents"
    default_message = _(
        "L'annuaire des espaces est réservé aux agents de la collectivité : en tant qu'invité, "
        "vous voyez les espaces auxquels on vous a invité."
    )


def access_workspace(user: Any, slug: str) -> Workspace:
    """A workspace ``user`` may at least see (member, or listed for an agent)."""
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise NotFound
    granted = policies.abilities(user, workspace)
    if not (granted.see or granted.restore):
        raise NotFound
    return workspace


def access_readable_workspace(user: Any, slug: str) -> Workspace:
    """A workspace whose content ``user`` reads (a member's)."""
    workspace = access_workspace(user, slug)
    if not policies.abilities(user, workspace).read:
        raise NotFound
    return workspace


def access_my_workspaces(user: Any) -> list[Workspace]:
    """The workspaces ``user`` belongs to (archived ones after the others)."""
    who = principals(user)
    if who is None:
        return []
    ids = list(policies.roles_by_workspace(who))
    return sorted(
        Workspace.objects.filter(pk__in=ids),
        key=lambda w: (w.archived_at is not None, w.name.lower()),
    )


def access_directory(user: Any, search: str = "") -> list[Workspace]:
    """The workspaces listed in the organisation's directory (agents only)."""
    if not policies.may_browse_directory(user):
        if principals(user) is None:
            raise NotFound
        raise GuestsHaveNoDirectory
    listed = Workspace.objects.filter(
        visibility=Workspace.Visibility.LISTED, trashed_at=None, archived_at=None
    )
    search = search.strip()[:100]
    if search:
        listed = listed.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return list(listed.order_by("name")[:500])


def access_trashed_workspaces(user: Any) -> list[Workspace]:
    """Workspaces in the bin that ``user`` may restore."""
    if principals(user) is None:
        return []
    return [
        workspace
        for workspace in Workspace.objects.exclude(trashed_at=None).order_by("-trashed_at")[:200]
        if policies.abilities(user, workspace).restore
    ]


def access_memberships(user: Any, workspace: Workspace) -> list[Membership]:
    if not policies.abilities(user, workspace).read:
        raise NotFound
    return list(
        Membership.objects.filter(workspace=workspace).select_related(
            "agent", "group", "department"
        )
    )


def access_membership(user: Any, workspace: Workspace, membership_id: Any) -> Membership:
    found = next(
        (m for m in access_memberships(user, workspace) if str(m.pk) == str(membership_id)), None
    )
    if found is None:
        raise NotFound
    return found


def access_activity(user: Any, workspace: Workspace, *, limit: int = 50) -> list[Activity]:
    if not policies.abilities(user, workspace).read:
        raise NotFound
    return list(workspace.activity.select_related("actor")[:limit])


def access_join_requests(user: Any, workspace: Workspace) -> list[JoinRequest]:
    if not policies.abilities(user, workspace).manage:
        return []
    return list(
        workspace.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("agent")
    )


def access_join_request(user: Any, workspace: Workspace, request_id: Any) -> JoinRequest:
    found = next(
        (r for r in access_join_requests(user, workspace) if str(r.pk) == str(request_id)), None
    )
    if found is None:
        raise NotFound
    return found


def has_pending_request(user: Any, workspace: Workspace) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return JoinRequest.objects.filter(
        workspace=workspace, agent_id=user.pk, status=JoinRequest.Status.PENDING
    ).exists()
