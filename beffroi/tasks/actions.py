"""Every write to task boards: one transaction each, a line in the workspace's activity, the
search index updated, and assignees and mentioned members told."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent
from beffroi.files import actions as files_actions
from beffroi.files.models import Node
from beffroi.notifications.actions import do_notify
from beffroi.notifications.mentions import mentioned_agents
from beffroi.notifications.models import Kind as NotificationKind
from beffroi.search.documents import Document
from beffroi.search.indexing import index_on_commit, remove_on_commit
from beffroi.tasks.models import Board, Card, ChecklistItem, Column, Comment
from beffroi.workspaces import drive
from beffroi.workspaces.activity import record_activity
from beffroi.workspaces.models import Workspace
from beffroi.workspaces.policies import require_contribution
from beffroi.workspaces.queries import member_ids

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_COMMENT = 10_000
MAX_LABELS = 10
MAX_LABEL = 40
MAX_COLUMNS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def card_url(card: Card) -> str:
    return reverse("tasks:card", args=[card.board.workspace.slug, card.pk])


def _line(value: str, field: str, limit: int, empty_message: str) -> str:
    value = " ".join(_CONTROL.sub("", value or "").split())
    if not value:
        raise InvalidInput(fields={field: [empty_message]})
    if len(value) > limit:
        raise InvalidInput(fields={field: [_("%(max)d caractères au plus.") % {"max": limit}]})
    return value


def _text(value: str, field: str, limit: int) -> str:
    value = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if len(value) > limit:
        raise InvalidInput(fields={field: [_("%(max)d caractères au plus.") % {"max": limit}]})
    return value


def _labels(labels: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for label in labels:
        label = " ".join(_CONTROL.sub("", label).split())[:MAX_LABEL]
        if label and label not in cleaned:
            cleaned.append(label)
    if len(cleaned) > MAX_LABELS:
        raise InvalidInput(
            fields={"labels": [_("%(max)d étiquettes au plus.") % {"max": MAX_LABELS}]}
        )
    return cleaned


def _members_only(workspace: Workspace, agents: Sequence[Agent]) -> list[Agent]:
    members = member_ids(workspace)
    outside = [a.display_name for a in agents if a.pk not in members or not a.can_sign_in]
    if outside:
        raise InvalidInput(
            fields={
                "assignees": [
                    _("%(names)s ne fait pas partie de cet espace : invitez d'abord la personne.")
                    % {"names": ", ".join(outside)}
                ]
            }
        )
    return list(agents)


def _index(card: Card) -> None:
    index_on_commit(
        Document(
            kind="task",
            object_id=str(card.pk),
            scope=f"workspace:{card.board.workspace_id}",
            title=card.title,
            body="\n".join([card.description, " ".join(card.labels)]),
            url=card_url(card),
            updated_at=card.updated_at or timezone.now(),
        )
    )


def _notify_assigned(actor: Any, card: Card, agents: Iterable[Agent]) -> None:
    do_notify(
        agents,
        NotificationKind.ASSIGNMENT,
        _("%(actor)s vous a attribué la tâche « %(task)s ».")
        % {"actor": actor.display_name, "task": card.title},
        card_url(card),
        actor=actor,
    )


def do_create_board(actor: Any, workspace: Workspace, columns: Sequence[str]) -> Board:
    """The workspace's board with its first columns."""
    require_contribution(actor, workspace)
    with transaction.atomic():
        board, _created = Board.objects.get_or_create(workspace=workspace)
        for position, name in enumerate(columns[:MAX_COLUMNS]):
            Column.objects.create(
                board=board,
                name=_line(name, "name", 80, _("Nommez la colonne.")),
                position=position,
            )
    return board


def do_add_column(actor: Any, board: Board, name: str) -> Column:
    require_contribution(actor, board.workspace)
    name = _line(name, "name", 80, _("Nommez la colonne."))
    with transaction.atomic():
        if board.columns.count() >= MAX_COLUMNS:
            raise InvalidInput(
                fields={"name": [_("%(max)d colonnes au plus.") % {"max": MAX_COLUMNS}]}
            )
        last = board.columns.aggregate(last=Max("position"))["last"]
        return Column.objects.create(board=board, name=name, position=(last or 0) + 1)


def do_create_card(
    actor: Any,
    column: Column,
    title: str,
    *,
    description: str = "",
    due_date: datetime.date | None = None,
    labels: Iterable[str] = (),
    assignees: Sequence[Agent] = (),
) -> Card:
    board = column.board
    workspace = board.workspace
    require_contribution(actor, workspace)
    title = _line(title, "title", MAX_TITLE, _("Donnez un titre à la tâche."))
    description = _text(description, "description", MAX_DESCRIPTION)
    cleaned_labels = _labels(labels)
    people = _members_only(workspace, assignees)
    with transaction.atomic():
        last = column.cards.aggregate(last=Max("position"))["last"]
        card = Card.objects.create(
            board=board,
            column=column,
            title=title,
            description=description,
            due_date=due_date,
            labels=cleaned_labels,
            created_by=actor,
            position=(last or 0) + 1,
        )
        card.assignees.set(people)
        record_activity(workspace, actor, "task_created", title, card_url(card))
        _notify_assigned(actor, card, people)
        _notify_mentions(actor, card, description, "")
        _index(card)
    return card


def do_update_card(
    actor: Any,
    card: Card,
    *,
    title: str,
    description: str,
    due_date: datetime.date | None,
    labels: Iterable[str],
    assignees: Sequence[Agent],
) -> Card:
    workspace = card.board.workspace
    require_contribution(actor, workspace)
    title = _line(title, "title", MAX_TITLE, _("Donnez un titre à la tâche."))
    description = _text(description, "description", MAX_DESCRIPTION)
    cleaned_labels = _labels(labels)
    people = _members_only(workspace, assignees)
    with transaction.atomic():
        before_description = card.description
        before = set(card.assignees.values_list("pk", flat=True))
        card.title = title
        card.description = description
        if card.due_date != due_date:
            card.reminded_on = None
        card.due_date = due_date
        card.labels = cleaned_labels
        card.save()
        card.assignees.set(people)
        record_activity(workspace, actor, "task_updated", title, card_url(card))
        _notify_assigned(actor, card, [a for a in people if a.pk not in before])
        _notify_mentions(actor, card, description, before_description)
        _index(card)
    return card


def do_move_card(actor: Any, card: Card, column: Column, position: int | None = None) -> Card:
    """Put ``card`` in ``column`` (at ``position``, or last)."""
    workspace = card.board.workspace
    require_contribution(actor, workspace)
    if column.board_id != card.board_id:
        raise InvalidInput(fields={"column": [_("Choisissez une colonne de ce tableau.")]})
    with transaction.atomic():
        siblings = list(
            Card.objects.select_for_update()
            .filter(column=column, trashed_at=None)
            .exclude(pk=card.pk)
            .order_by("position", "created_at")
        )
        at = len(siblings) if position is None else max(0, min(position, len(siblings)))
        siblings.insert(at, card)
        for index, sibling in enumerate(siblings):
            if sibling.pk == card.pk:
                card.column = column
                card.position = index
                card.save(update_fields=["column", "position", "updated_at"])
            elif sibling.position != index:
                Card.objects.filter(pk=sibling.pk).update(position=index)
        record_activity(workspace, actor, "task_moved", card.title, card_url(card))
    return card


def do_comment(actor: Any, card: Card, body: str) -> Comment:
    workspace = card.board.workspace
    require_contribution(actor, workspace)
    body = _text(body, "body", MAX_COMMENT)
    if not body:
        raise InvalidInput(fields={"body": [_("Écrivez votre commentaire.")]})
    with transaction.atomic():
        comment = Comment.objects.create(card=card, author=actor, body=body)
        record_activity(workspace, actor, "task_commented", card.title, card_url(card))
        _notify_mentions(actor, card, body, "")
    return comment


def _notify_mentions(actor: Any, card: Card, text: str, before: str) -> None:
    members = member_ids(card.board.workspace)
    already = {a.pk for a in mentioned_agents(before, members)}
    do_notify(
        [a for a in mentioned_agents(text, members) if a.pk not in already],
        NotificationKind.MENTION,
        _("%(actor)s vous a mentionné dans la tâche « %(task)s ».")
        % {"actor": actor.display_name, "task": card.title},
        card_url(card),
        actor=actor,
    )


def do_add_checklist_item(actor: Any, card: Card, text: str) -> ChecklistItem:
    require_contribution(actor, card.board.workspace)
    text = _line(text, "text", 300, _("Écrivez l'élément de la liste."))
    with transaction.atomic():
        last = card.checklist.aggregate(last=Max("position"))["last"]
        return ChecklistItem.objects.create(card=card, text=text, position=(last or 0) + 1)


def do_check_item(actor: Any, item: ChecklistItem, done: bool) -> ChecklistItem:
    require_contribution(actor, item.card.board.workspace)
    with transaction.atomic():
        item.done = done
        item.save(update_fields=["done"])
    return item


def do_trash_card(actor: Any, card: Card) -> None:
    require_contribution(actor, card.board.workspace)
    with transaction.atomic():
        card.trashed_at = timezone.now()
        card.save(update_fields=["trashed_at", "updated_at"])
        remove_on_commit("task", str(card.pk))


def _card_folder(actor: Any, card: Card) -> Node:
    """The card's folder of attachments, made at the first one: « <titre> », or « <titre> (2) »
    when another task of the same title has one already."""
    folder = card.attachment_folder
    if folder is not None and folder.trashed_at is None:
        return folder
    root = drive.drive_root(card.board.workspace)
    tasks_folder = drive.ensure_folder(actor, root, _("Pièces jointes des tâches"))
    base = drive.folder_name_for(card.title)
    name, number = base, 1
    while drive.living_folder(tasks_folder, name) is not None:
        number += 1
        name = f"{base} ({number})"
    folder = files_actions.do_create_folder(actor, tasks_folder, name)
    card.attachment_folder = folder
    card.save(update_fields=["attachment_folder", "updated_at"])
    return folder


def do_attach_to_card(
    actor: Any, card: Card, name: str, chunks: Iterable[bytes], *, content_type: str = ""
) -> Node:
    """Keep a file with the task, in the workspace drive (a new version if the name exists)."""
    require_contribution(actor, card.board.workspace)
    with transaction.atomic():
        folder = _card_folder(actor, card)
    # The upload is the drive's own action: versions, quota, the search index and the line
    # « a déposé le fichier » in the workspace's activity.
    return files_actions.do_upload(actor, folder, name, chunks, content_type=content_type)


def do_send_due_reminders(today: datetime.date | None = None) -> int:
    """Tell assignees of cards due today or tomorrow, once per due date; returns how many
    cards were reminded."""
    today = today or timezone.localdate()
    due = Card.objects.filter(
        trashed_at=None,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=1),
        board__workspace__archived_at=None,
        board__workspace__trashed_at=None,
    ).exclude(reminded_on=F("due_date"))
    count = 0
    for card in due.select_related("board__workspace").prefetch_related("assignees"):
        with transaction.atomic():
            do_notify(
                card.assignees.all(),
                NotificationKind.ASSIGNMENT,
                _("La tâche « %(task)s » arrive à échéance le %(date)s.")
                % {"task": card.title, "date": card.due_date.strftime("%d/%m/%Y")},  # type: ignore[union-attr]
                card_url(card),
            )
            Card.objects.filter(pk=card.pk).update(reminded_on=card.due_date)
        count += 1
    return count
