"""The task board of a workspace, a task's page, and « Mes tâches ». Moving a card is a form
(a column to choose and a button), so the board works with the keyboard and on a phone. Each
view: read (``access``), act (``actions``), render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.core.errors import BeffroiError, InvalidInput, NotFound
from beffroi.tasks import access, actions
from beffroi.tasks.models import Card
from beffroi.tasks.policies import abilities
from beffroi.tasks.web.forms import (
    AttachForm,
    CardForm,
    ChecklistItemForm,
    CommentForm,
    MoveCardForm,
    QuickCardForm,
)
from beffroi.web.errors import readable
from beffroi.web.requests import acting_agent
from beffroi.workspaces.access import access_readable_workspace
from beffroi.workspaces.models import Workspace
from beffroi.workspaces.queries import members
from beffroi.workspaces.web.shell import workspace_context


def _context(user: Any, workspace: Workspace, **extra: Any) -> dict[str, Any]:
    context = workspace_context(user, workspace, "tasks")
    context["board_abilities"] = abilities(user, workspace)
    context.update(extra)
    return context


@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    columns = access.access_columns(agent, workspace)
    return render(
        request,
        "tasks/board.html",
        _context(agent, workspace, columns=columns, quick_form=QuickCardForm()),
    )


@login_required
@require_POST
def add_column(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    try:
        actions.do_add_column(
            agent, access.access_board(agent, workspace), request.POST.get("name", "")
        )
    except InvalidInput as error:
        messages.error(request, readable(error))
    return redirect("tasks:board", workspace.slug)


@login_required
@require_POST
def add_card(request: HttpRequest, slug: str, column_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    column = next((c for c in access.access_columns(agent, workspace) if c.pk == column_id), None)
    if column is None:
        raise NotFound
    form = QuickCardForm(request.POST)
    if form.is_valid():
        try:
            card = actions.do_create_card(agent, column, form.cleaned_data["title"])
        except InvalidInput as error:
            messages.error(request, readable(error))
        else:
            messages.success(
                request, _("La tâche « %(title)s » est créée.") % {"title": card.title}
            )
            return redirect("tasks:card", workspace.slug, card.pk)
    else:
        messages.error(request, _("Donnez un titre à la tâche."))
    return redirect("tasks:board", workspace.slug)


@login_required
def card(request: HttpRequest, slug: str, card_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_card(agent, workspace, card_id)
    people = members(workspace)
    form = CardForm(
        request.POST or None,
        members=people,
        initial={
            "title": found.title,
            "description": found.description,
            "due_date": found.due_date,
            "labels": ", ".join(found.labels),
            "assignees": list(found.assignees.all()),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_update_card(
                    agent,
                    found,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    due_date=form.cleaned_data["due_date"],
                    labels=form.label_list(),
                    assignees=list(form.cleaned_data["assignees"]),
                )
            except InvalidInput as error:
                form.add_error(None, readable(error))
                status = 422
            else:
                messages.success(request, _("La tâche est enregistrée."))
                return redirect("tasks:card", workspace.slug, found.pk)
        else:
            status = 422
    return render(
        request,
        "tasks/card.html",
        _context(
            agent,
            workspace,
            card=found,
            form=form,
            columns=access.access_columns(agent, workspace),
            comment_form=CommentForm(),
            item_form=ChecklistItemForm(),
            attachments=access.access_card_attachments(agent, found),
            attach_form=AttachForm(),
        ),
        status=status,
    )


def _card_of(request: HttpRequest, slug: str, card_id: uuid.UUID) -> tuple[Workspace, Card]:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    return workspace, access.access_card(agent, workspace, card_id)


@login_required
@require_POST
def move(request: HttpRequest, slug: str, card_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace, found = _card_of(request, slug, card_id)
    form = MoveCardForm(request.POST)
    column = None
    if form.is_valid():
        column = next(
            (
                c
                for c in access.access_columns(agent, workspace)
                if c.pk == form.cleaned_data["column"]
            ),
            None,
        )
    if column is None:
        messages.error(request, _("Choisissez une colonne de ce tableau."))
    else:
        actions.do_move_card(agent, found, column)
        messages.success(
            request,
            _("« %(title)s » est dans « %(column)s ».")
            % {"title": found.title, "column": column.name},
        )
    if request.POST.get("next") == "card":
        return redirect("tasks:card", workspace.slug, found.pk)
    return redirect("tasks:board", workspace.slug)


@login_required
@require_POST
def comment(request: HttpRequest, slug: str, card_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace, found = _card_of(request, slug, card_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_comment(agent, found, form.cleaned_data["body"])
        except InvalidInput as error:
            messages.error(request, readable(error))
    else:
        messages.error(request, _("Écrivez votre commentaire."))
    return redirect("tasks:card", workspace.slug, found.pk)


@login_required
@require_POST
def add_item(request: HttpRequest, slug: str, card_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace, found = _card_of(request, slug, card_id)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_checklist_item(agent, found, form.cleaned_data["text"])
        except InvalidInput as error:
            messages.error(request, readable(error))
    return redirect("tasks:card", workspace.slug, found.pk)


@login_required
@require_POST
def check_item(request: HttpRequest, slug: str, card_id: uuid.UUID, item_id: int) -> HttpResponse:
    agent = acting_agent(request)
    workspace, found = _card_of(request, slug, card_id)
    item = next((i for i in found.checklist.all() if i.pk == item_id), None)
    if item is None:
        raise NotFound
    actions.do_check_item(agent, item, request.POST.get("done") == "1")
    return redirect("tasks:card", workspace.slug, found.pk)


@login_required
@require_POST
def trash(request: HttpRequest, slug: str, card_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace, found = _card_of(request, slug, card_id)
    actions.do_trash_card(agent, found)
    messages.success(request, _("La tâche « %(title)s » est supprimée.") % {"title": found.title})
    return redirect("tasks:board", workspace.slug)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    return render(request, "tasks/mine.html", {"cards": access.access_my_tasks(agent)})


@login_required
@require_POST
def attach(request: HttpRequest, slug: str, card_id: uuid.UUID) -> HttpResponse:
    """A file for the task, kept in the workspace drive."""
    agent = acting_agent(request)
    workspace, found = _card_of(request, slug, card_id)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier à joindre."))
        return redirect("tasks:card", workspace.slug, found.pk)
    upload = form.cleaned_data["file"]
    try:
        node = actions.do_attach_to_card(
            agent, found, upload.name or "", upload.chunks(), content_type=upload.content_type or ""
        )
    except BeffroiError as error:
        messages.error(request, readable(error))
    else:
        messages.success(request, _("« %(name)s » est joint à la tâche.") % {"name": node.name})
    return redirect("tasks:card", workspace.slug, found.pk)
