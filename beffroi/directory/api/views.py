"""Directory endpoints: parse, access, act, serialize."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

from beffroi.api.auth import caller, caller_address, session_auth
from beffroi.api.schemas import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    PATH_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
)
from beffroi.directory import access, actions
from beffroi.directory.api.schemas import (
    AgentOut,
    AgentSearchIn,
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    DepartmentOut,
    MeOut,
)
from beffroi.directory.models import Agent, ApiToken

router = Router(tags=["annuaire"])


def _me(agent: Agent) -> MeOut:
    return MeOut(
        id=agent.id,
        username=agent.username,
        display_name=agent.display_name,
        first_name=agent.first_name,
        last_name=agent.last_name,
        email=agent.email,
        kind=agent.kind,
        job_title=agent.job_title,
        language=agent.language,
        is_admin=agent.is_superuser,
    )


def _token(token: ApiToken) -> ApiTokenOut:
    return ApiTokenOut(
        id=token.id,
        label=token.label,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
    )


@router.get("/me", response={200: MeOut, **AUTHENTICATED_ERRORS}, summary="Mon compte")
def me(request: HttpRequest) -> MeOut:
    return _me(caller(request))


@router.get(
    "/me/tokens",
    response={200: list[ApiTokenOut], **AUTHENTICATED_ERRORS},
    summary="Mes jetons d'API",
)
def list_tokens(request: HttpRequest) -> list[ApiTokenOut]:
    return [_token(token) for token in access.access_own_api_tokens(caller(request))]


@router.post(
    "/me/tokens",
    # Only a signed-in person mints tokens: a leaked token must not be able to breed.
    auth=[session_auth],
    response={201: ApiTokenCreatedOut, **BODY_ERRORS},
    summary="Créer un jeton d'API",
    description="Demande la session web et son jeton CSRF ; un jeton d'API est refusé (401). "
    "Le jeton en clair n'est renvoyé qu'une fois.",
)
def create_token(request: HttpRequest, payload: ApiTokenIn) -> Status[ApiTokenCreatedOut]:
    token, clear_text = actions.do_create_api_token(
        caller(request), payload.label, address=caller_address(request)
    )
    return Status(201, ApiTokenCreatedOut(**_token(token).model_dump(), token=clear_text))


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None, 404: ErrorOut, **WRITE_ERRORS, **PATH_ERRORS},
    summary="Révoquer un jeton d'API",
    description="Un jeton absent, déjà révoqué ou appartenant à quelqu'un d'autre donne la "
    "même réponse 404.",
)
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    token = access.access_own_api_token(agent, token_id)
    actions.do_revoke_api_token(token, acting=agent, address=caller_address(request))
    return Status(204, None)


def _agent_out(agent: Agent) -> AgentOut:
    return AgentOut(
        id=agent.id,
        username=agent.username,
        display_name=agent.display_name,
        email=agent.email,
        job_title=agent.job_title,
        phone=agent.phone,
        kind=agent.kind,
        departments=[m.department.code for m in agent.memberships.all()],
    )


@router.get(
    "/agents",
    response={200: list[AgentOut], 404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS},
    summary="Rechercher des agents",
    description="Pour les sélecteurs de personnes : les collègues actifs que l'appelant peut "
    "voir (un invité ne voit que lui-même), 50 au plus, triés par nom.",
)
def search_agents(request: HttpRequest, filters: Query[AgentSearchIn]) -> list[AgentOut]:
    viewer = caller(request)
    department = filters.department
    within = access.access_department_by_id(viewer, department) if department else None
    agents = access.access_agents(viewer, search=filters.q, department=within)
    return [_agent_out(agent) for agent in agents]


@router.get(
    "/agents/{agent_id}",
    response={200: AgentOut, 404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS},
    summary="Un agent",
)
def get_agent(request: HttpRequest, agent_id: uuid.UUID) -> AgentOut:
    return _agent_out(access.access_agent_by_id(caller(request), agent_id))


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **AUTHENTICATED_ERRORS},
    summary="Les services de l'organisation",
)
def list_departments(request: HttpRequest) -> list[DepartmentOut]:
    return [
        DepartmentOut(id=d.id, code=d.code, name=d.name, parent_id=d.parent_id)
        for d in access.access_departments(caller(request))
    ]
