"""Task board endpoints: parse, access, act, serialize."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from beffroi.api.auth import caller
from beffroi.api.schemas import AUTHENTICATED_ERRORS, BODY_ERRORS, PATH_ERRORS, ErrorOut
from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent
from beffroi.tasks import access, actions
from beffroi.tasks.api.schemas import CardIn, CardMoveIn, CardOut, ColumnOut
from beffroi.tasks.models import Card, Column
from beffroi.workspaces.access import access_readable_workspace
from beffroi.workspaces.models import Workspace

router = Router(tags=["tâches"])
mine_router = Router(tags=["tâches"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}
CHANGE_ERRORS = {404: ErrorOut, **BODY_ERRORS, **PATH_ERRORS}


def _out(card: Card, workspace: Workspace) -> CardOut:
    return CardOut(
        id=card.pk,
        title=card.title,
        column_id=card.column_id,
        workspace=workspace.slug,
        due_date=card.due_date,
        labels=list(card.labels),
        assignees=[a.username for a in card.assignees.all()],
        url=actions.card_url(card),
    )


def _column(agent: Agent, workspace: Workspace, column_id: uuid.UUID) -> Column:
    found = next((c for c in access.access_columns(agent, workspace) if c.pk == column_id), None)
    if found is None:
        raise InvalidInput(fields={"column_id": [_("Choisissez une colonne de ce tableau.")]})
    return found


@router.get(
    "/{slug}/board", response={200: list[ColumnOut], **READ_ERRORS}, summary="Tableau de tâches"
)
def get_board(request: HttpRequest, slug: str) -> list[ColumnOut]:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    return [
        ColumnOut(id=c.pk, name=c.name, cards=[_out(card, workspace) for card in c.cards.all()])
        for c in access.access_columns(agent, workspace)
    ]


@router.post("/{slug}/cards", response={201: CardOut, **CHANGE_ERRORS}, summary="Créer une tâche")
def create_card(request: HttpRequest, slug: str, payload: CardIn) -> Status[CardOut]:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    column = _column(agent, workspace, payload.column_id)
    people = list(Agent.objects.filter(username__in=payload.assignees))
    if len(people) != len(set(payload.assignees)):
        raise InvalidInput(fields={"assignees": [_("Un des identifiants est inconnu.")]})
    card = actions.do_create_card(
        agent,
        column,
        payload.title,
        description=payload.description,
        due_date=payload.due_date,
        labels=payload.labels,
        assignees=people,
    )
    return Status(201, _out(card, workspace))


@router.post(
    "/{slug}/cards/{card_id}/move",
    response={200: CardOut, **CHANGE_ERRORS},
    summary="Déplacer une tâche",
)
def move_card(request: HttpRequest, slug: str, card_id: uuid.UUID, payload: CardMoveIn) -> CardOut:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    card = access.access_card(agent, workspace, card_id)
    moved = actions.do_move_card(
        agent, card, _column(agent, workspace, payload.column_id), payload.position
    )
    return _out(moved, workspace)


@mine_router.get(
    "/mine", response={200: list[CardOut], **AUTHENTICATED_ERRORS}, summary="Mes tâches"
)
def my_tasks(request: HttpRequest) -> list[CardOut]:
    agent = caller(request)
    return [_out(card, card.board.workspace) for card in access.access_my_tasks(agent)]
