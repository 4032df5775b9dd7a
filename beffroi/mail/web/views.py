"""The webmail's reading pages: the mailboxes and their folders, a folder's conversations, a
conversation, an attachment, the moves on a message, the assignment of a conversation, the
search. Each view: read (``access``), act (``actions``), render."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory.models import Agent
from beffroi.mail import access
from beffroi.mail.actions.conversations import do_assign, do_delete, do_mark, do_move_to
from beffroi.mail.actions.messages import do_set_flags
from beffroi.mail.models import Assignment, Folder, Mailbox
from beffroi.mail.reading import attachment_bytes, read
from beffroi.mail.web.invitations import invitation_view
from beffroi.mail.web.sidebar import sidebar
from beffroi.search.access import access_search
from beffroi.search.query import MAX_QUERY_CHARS
from beffroi.web.requests import acting_agent, address_of

PER_PAGE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    mailboxes = access.access_mailboxes(agent)
    if not mailboxes:
        return render(request, "mail/no_mailbox.html", {}, status=200)
    inbox = Folder.objects.filter(mailbox=mailboxes[0], special_use=Folder.SpecialUse.INBOX).first()
    if inbox is None:
        raise NotFound()
    return redirect("mail:folder", folder_id=inbox.pk)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@login_required
def folder(request: HttpRequest, folder_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    current = access.access_folder_by_id(agent, folder_id)
    number = _page_number(request)
    rows, total = access.access_conversations(
        agent, current, offset=(number - 1) * PER_PAGE, limit=PER_PAGE
    )
    pages = max(1, -(-total // PER_PAGE))
    return render(
        request,
        "mail/folder.html",
        {
            **sidebar(agent, current.mailbox, current),
            "folder": current,
            "folder_label": folder_label(current),
            "rows": rows,
            "total": total,
            "page": number,
            "pages": pages,
            "shared": current.mailbox.kind == Mailbox.Kind.SHARED,
        },
    )


@login_required
def conversation(request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    mailbox = access.access_mailbox(agent, mailbox_id)
    found, assignment = access.access_conversation(agent, mailbox, thread_id)
    shown = []
    for message in found:
        reading = read(access.access_message_bytes(agent, message))
        shown.append(
            {
                "message": message,
                "reading": reading,
                "folder_label": folder_label(message.folder),
                "invitation": invitation_view(agent, message, reading.invitation),
            }
        )
    unseen: dict[uuid.UUID, list[int]] = {}
    for message in found:
        if not message.seen:
            unseen.setdefault(message.folder_id, []).append(message.uid)
    for message in found:
        if message.folder_id in unseen:
            do_set_flags(agent, message.folder, unseen.pop(message.folder_id), add=["seen"])
    latest = found[-1]
    current = latest.folder
    return render(
        request,
        "mail/conversation.html",
        {
            **sidebar(agent, mailbox, current),
            "mailbox": mailbox,
            "thread_id": thread_id,
            "shown": shown,
            "latest": latest,
            "subject": latest.subject or _("(sans objet)"),
            "assignment": assignment,
            "shared": mailbox.kind == Mailbox.Kind.SHARED,
            "delegates": access.access_delegates(agent, mailbox),
            "statuses": Assignment.Status.choices,
            "folders": [(f.pk, folder_label(f)) for f in access.access_folders(agent, mailbox)],
        },
    )


@login_required
@require_POST
def assign(request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    mailbox = access.access_mailbox(agent, mailbox_id)
    assignee: Agent | None = None
    chosen = request.POST.get("assignee", "")
    if chosen:
        try:
            assignee = Agent.objects.filter(pk=uuid.UUID(chosen)).first()
        except ValueError:
            assignee = None
        if assignee is None:
            messages.error(request, _("Cet agent n'existe pas."))
            return redirect("mail:conversation", mailbox_id=mailbox.pk, thread_id=thread_id)
    try:
        do_assign(
            agent,
            mailbox,
            thread_id,
            assignee=assignee,
            status=request.POST.get("status", ""),
            address=address_of(request),
        )
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("L'attribution de la conversation est enregistrée."))
    return redirect("mail:conversation", mailbox_id=mailbox.pk, thread_id=thread_id)


@login_required
def attachment(request: HttpRequest, message_id: uuid.UUID, number: int) -> HttpResponse:
    agent = acting_agent(request)
    message = access.access_message(agent, message_id)
    found = attachment_bytes(access.access_message_bytes(agent, message), number)
    if found is None:
        raise NotFound()
    part, data = found
    response = HttpResponse(data, content_type="application/octet-stream")
    # Always a download (never shown inline from our origin), under a name that is only a name.
    response["Content-Disposition"] = _disposition(part.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@login_required
@require_POST
def message_action(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    message = access.access_message(agent, message_id)
    mailbox = message.folder.mailbox
    back = reverse("mail:conversation", args=[mailbox.pk, message.thread_id])
    action = request.POST.get("action", "")
    if action == "delete":
        source = message.folder
        do_delete(agent, message)
        messages.success(request, _("Le message est supprimé."))
        return redirect("mail:folder", folder_id=source.pk)
    if action == "move":
        try:
            target_id = uuid.UUID(request.POST.get("folder", ""))
        except ValueError:
            raise NotFound() from None
        target = access.access_folder_by_id(agent, target_id)
        do_move_to(agent, message, target)
        messages.success(
            request,
            _("Le message est déplacé dans « %(dossier)s ».") % {"dossier": folder_label(target)},
        )
        return redirect(back)
    marks: dict[str, tuple[list[str], list[str], str]] = {
        "unread": ([], ["seen"], _("Le message est marqué comme non lu.")),
        "read": (["seen"], [], _("Le message est marqué comme lu.")),
        "flag": (["flagged"], [], _("Le message est suivi.")),
        "unflag": ([], ["flagged"], _("Le message n'est plus suivi.")),
    }
    if action not in marks:
        messages.error(request, _("Action inconnue."))
        return redirect(back)
    add, remove, said = marks[action]
    do_mark(agent, message, add=add, remove=remove)
    messages.success(request, said)
    if action == "unread":
        return redirect("mail:folder", folder_id=message.folder_id)
    return redirect(back)


def folder_label(folder: Folder) -> str:
    if folder.special_use:
        return str(Folder.SpecialUse(folder.special_use).label)
    return folder.name


@login_required
def search(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    text = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    results = access_search(agent, text, kinds=["mail"], limit=50)
    mailboxes = access.access_mailboxes(agent)
    context: dict[str, Any] = {"q": text, "searched": bool(text.strip()), "results": results}
    if mailboxes:
        context.update(sidebar(agent, mailboxes[0], None))
    return render(request, "mail/search.html", context)
