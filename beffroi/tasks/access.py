"""Reads of task boards for a person: one NotFound for missing and forbidden."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import F, Prefetch

from beffroi.core.errors import NotFound
from beffroi.directory.principals import principals
from beffroi.files import access as files_access
from beffroi.files.models import Node
from beffroi.tasks.models import Board, Card, Column
from beffroi.tasks.policies import abilities
from beffroi.workspaces import policies as workspace_policies
from beffroi.workspaces.models import Workspace


def _readable(user: Any, workspace: Workspace) -> None:
    if not abilities(user, workspace).read:
        raise NotFound


def _living_cards() -> Any:
    return Prefetch(
        "cards",
        queryset=Card.objects.filter(trashed_at=None).prefetch_related("assignees", "checklist"),
    )


def access_board(user: Any, workspace: Workspace) -> Board:
    _readable(user, workspace)
    board = Board.objects.filter(workspace=workspace).first()
    if board is None:
        raise NotFound
    return board


def access_columns(user: Any, workspace: Workspace) -> list[Column]:
    """The board's columns with their living cards (assignees and checklists prefetched)."""
    board = access_board(user, workspace)
    return list(board.columns.prefetch_related(_living_cards()))


def access_card(user: Any, workspace: Workspace, card_id: uuid.UUID | str) -> Card:
    _readable(user, workspace)
    card = (
        Card.objects.select_related("column", "board", "created_by")
        .prefetch_related("assignees", "checklist", "comments__author")
        .filter(board__workspace=workspace, pk=card_id, trashed_at=None)
        .first()
    )
    if card is None:
        raise NotFound
    return card


def access_my_tasks(user: Any) -> list[Card]:
    """The living cards assigned to ``user`` in workspaces they still read, by due date."""
    who = principals(user)
    if who is None:
        return []
    readable = list(workspace_policies.roles_by_workspace(who))
    return list(
        Card.objects.filter(assignees=user, trashed_at=None, board__workspace_id__in=readable)
        .select_related("column", "board__workspace")
        .order_by(F("due_date").asc(nulls_last=True), "created_at")
    )


def access_card_attachments(user: Any, card: Card) -> list[Node]:
    """The living files attached to ``card`` that ``user`` may read, by name."""
    _readable(user, card.board.workspace)
    folder = card.attachment_folder
    if folder is None or folder.trashed_at is not None:
        return []
    return sorted(
        (node for node in files_access.access_children(user, folder) if not node.is_folder),
        key=lambda node: node.name.lower(),
    )
