"""Workspaces endpoints: parse, access, act, serialize."""

from __future__ import annotations

import uuid
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status

from beffroi.api.auth import caller
from beffroi.api.schemas import AUTHENTICATED_ERRORS, BODY_ERRORS, PATH_ERRORS, ErrorOut
from beffroi.core.errors import NotFound
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.workspaces import access, actions, policies
from beffroi.workspaces.activity import describe
from beffroi.workspaces.api.schemas import (
    ActivityOut,
    MemberIn,
    MemberOut,
    WorkspaceIn,
    WorkspaceOut,
)
from beffroi.workspaces.models import Membership, Workspace

router = Router(tags=["espaces de travail"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}


def workspace_out(request: HttpRequest, agent: Agent, workspace: Workspace) -> WorkspaceOut:
    return WorkspaceOut(
        id=workspace.pk,
        slug=workspace.slug,
        name=workspace.name,
        description=workspace.description,
        visibility=workspace.visibility,  # type: ignore[arg-type]
        archived=workspace.archived_at is not None,
        role=policies.abilities(agent, workspace).role,
        dav_url=request.build_absolute_uri(f"/dav/spaces/{workspace.slug}/"),
    )


def _member_out(membership: Membership) -> MemberOut:
    kind: Literal["agent", "group", "department"] = "department"
    grantee = membership.department_id
    if membership.agent_id is not None:
        kind, grantee = "agent", membership.agent_id
    elif membership.group_id is not None:
        kind, grantee = "group", membership.group_id
    assert grantee is not None
    return MemberOut(
        id=membership.pk,
        kind=kind,
        grantee_id=grantee,
        label=membership.grantee_label,
        role=membership.role,  # type: ignore[arg-type]
    )


@router.get("", response={200: list[WorkspaceOut], **AUTHENTICATED_ERRORS}, summary="Mes espaces")
def list_workspaces(request: HttpRequest) -> list[WorkspaceOut]:
    agent = caller(request)
    return [workspace_out(request, agent, w) for w in access.access_my_workspaces(agent)]


@router.post(
    "",
    response={201: WorkspaceOut, 403: ErrorOut, **BODY_ERRORS},
    summary="Créer un espace de travail",
    description="Le créateur en est gestionnaire ; le modèle donne dossiers, pages et colonnes.",
)
def create_workspace(request: HttpRequest, payload: WorkspaceIn) -> Status[WorkspaceOut]:
    agent = caller(request)
    workspace = actions.do_create_workspace(
        agent,
        payload.name,
        description=payload.description,
        visibility=payload.visibility,
        blueprint=payload.blueprint,
    )
    return Status(201, workspace_out(request, agent, workspace))


@router.get("/{slug}", response={200: WorkspaceOut, **READ_ERRORS}, summary="Un espace")
def get_workspace(request: HttpRequest, slug: str) -> WorkspaceOut:
    agent = caller(request)
    return workspace_out(request, agent, access.access_workspace(agent, slug))


@router.get(
    "/{slug}/members", response={200: list[MemberOut], **READ_ERRORS}, summary="Membres d'un espace"
)
def list_members(request: HttpRequest, slug: str) -> list[MemberOut]:
    agent = caller(request)
    workspace = access.access_readable_workspace(agent, slug)
    return [_member_out(m) for m in access.access_memberships(agent, workspace)]


def _grantee(payload: MemberIn) -> Agent | AgentGroup | Department:
    found: Agent | AgentGroup | Department | None
    if payload.kind == "agent":
        found = Agent.objects.filter(pk=payload.grantee_id).first()
    elif payload.kind == "group":
        found = AgentGroup.objects.filter(pk=payload.grantee_id).first()
    else:
        found = Department.objects.filter(pk=payload.grantee_id).first()
    if found is None:
        raise NotFound
    return found


@router.post(
    "/{slug}/members",
    response={201: MemberOut, 404: ErrorOut, 409: ErrorOut, **BODY_ERRORS, **PATH_ERRORS},
    summary="Ajouter un membre",
    description="Un agent (ou un invité extérieur), un groupe ou un service entier ; réservé "
    "aux gestionnaires de l'espace.",
)
def add_member(request: HttpRequest, slug: str, payload: MemberIn) -> Status[MemberOut]:
    agent = caller(request)
    workspace = access.access_readable_workspace(agent, slug)
    membership = actions.do_add_member(agent, workspace, _grantee(payload), payload.role)
    return Status(201, _member_out(membership))


@router.delete(
    "/{slug}/members/{membership_id}",
    response={
        204: None,
        404: ErrorOut,
        409: ErrorOut,
        **AUTHENTICATED_ERRORS,
        403: ErrorOut,
        **PATH_ERRORS,
    },
    summary="Retirer un membre",
)
def remove_member(request: HttpRequest, slug: str, membership_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    workspace = access.access_readable_workspace(agent, slug)
    actions.do_remove_member(agent, access.access_membership(agent, workspace, membership_id))
    return Status(204, None)


@router.get(
    "/{slug}/activity",
    response={200: list[ActivityOut], **READ_ERRORS},
    summary="Activité récente d'un espace",
)
def list_activity(request: HttpRequest, slug: str) -> list[ActivityOut]:
    agent = caller(request)
    workspace = access.access_readable_workspace(agent, slug)
    return [
        ActivityOut(
            actor=line.actor.display_name if line.actor else "",
            verb=line.verb,
            text=describe(line),
            url=line.url,
            created_at=line.created_at,
        )
        for line in access.access_activity(agent, workspace)
    ]
