"""Writing a message: compose, reply, reply all, forward; the drafts saved as one types; the
Drive picker (the agent's drives and the files they may read in them)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.core.errors import BeffroiError, NotFound
from beffroi.files.access.drive import access_files_below
from beffroi.files.access.nodes import access_root
from beffroi.files.access.shares import access_reachable_spaces, space_name
from beffroi.mail import access, composing
from beffroi.mail.actions.compose import Composition, do_save_draft, do_send
from beffroi.mail.index import header, parse
from beffroi.mail.models import Folder, Message
from beffroi.mail.reading import attachment_bytes, read
from beffroi.mail.web.sidebar import sidebar
from beffroi.web.requests import acting_agent

PICKER_FILES_PER_SPACE = 200
MODES = {"repondre", "tous", "transferer"}


def drive_picker(agent: Any) -> list[dict[str, Any]]:
    """Each drive the agent reaches, with the files they may read in it (the first ones)."""
    drives = []
    for space in access_reachable_spaces(agent):
        try:
            root = access_root(agent, space)
            files = []
            for path, node in access_files_below(agent, root):
                if node.is_folder:
                    continue
                files.append({"id": node.pk, "path": path})
                if len(files) >= PICKER_FILES_PER_SPACE:
                    break
        except NotFound:
            continue
        if files:
            mine = space.owner_id == agent.pk
            drives.append(
                {"name": _("Mon espace personnel") if mine else space_name(space), "files": files}
            )
    return drives


def _senders(agent: Any) -> list[str]:
    rights = access.access_sending_addresses(agent)
    own = [rights.own] if rights.own else []
    return own + sorted((rights.as_self | rights.on_behalf) - set(own))


def _answering(agent: Any, request: HttpRequest) -> tuple[Message | None, str]:
    mode = request.GET.get("mode", "")
    source = request.GET.get("message", "")
    if mode not in MODES or not source:
        return None, ""
    try:
        return access.access_message(agent, uuid.UUID(source)), mode
    except ValueError:
        raise NotFound() from None


def _initial(agent: Any, answered: Message | None, mode: str, senders: list[str]) -> dict[str, Any]:
    signature = composing.signature(agent)
    initial: dict[str, Any] = {
        "sender": senders[0] if senders else "",
        "to": "",
        "cc": "",
        "bcc": "",
        "subject": "",
        "body": f"\n\n{signature}" if signature else "",
        "in_reply_to": "",
        "references": "",
        "forward_of": "",
    }
    if answered is None:
        return initial
    mailbox = answered.folder.mailbox
    if mailbox.address in senders:
        initial["sender"] = mailbox.address
    reading = read(access.access_message_bytes(agent, answered))
    when = timezone.localtime(answered.date or answered.internal_date)
    date = formats.date_format(when, "DATETIME_FORMAT")
    quote = composing.quoted(reading.text or "", answered.sender, date)
    initial["body"] = initial["body"] + quote
    if mode == "transferer":
        initial["subject"] = composing.reply_subject(answered.subject, "Tr :")
        initial["forward_of"] = str(answered.pk)
        return initial
    initial["subject"] = composing.reply_subject(answered.subject, "Re :")
    initial["in_reply_to"] = answered.message_id
    initial["references"] = " ".join([*answered.references, answered.message_id]).strip()
    mine = {address.lower() for address in senders}
    initial["to"] = ", ".join(composing.exclude(composing.addresses_in(answered.sender), mine))
    if mode == "tous":
        others = composing.addresses_in(f"{answered.to}, {answered.cc}")
        initial["cc"] = ", ".join(
            composing.exclude(others, mine | set(composing.addresses_in(answered.sender)))
        )
    return initial


def _draft_values(agent: Any, draft_id: str) -> dict[str, str]:
    """The fields of a draft of the agent's, to go on writing it."""
    if not draft_id:
        return {}
    try:
        draft = access.access_message(agent, uuid.UUID(draft_id))
    except ValueError:
        raise NotFound() from None
    if draft.folder.special_use != Folder.SpecialUse.DRAFTS:
        raise NotFound()
    raw = access.access_message_bytes(agent, draft)
    reading = read(raw)
    parsed = parse(raw)
    return {
        "draft": str(draft.pk),
        "sender": ", ".join(composing.addresses_in(header(parsed, "from"))),
        "to": header(parsed, "to"),
        "cc": header(parsed, "cc"),
        "bcc": header(parsed, "bcc"),
        "subject": draft.subject,
        "body": reading.text.replace("\r\n", "\n").rstrip("\n"),
        "in_reply_to": draft.in_reply_to,
        "references": " ".join(draft.references),
    }


def _forwarded_attachments(agent: Any, message_id: str) -> list[tuple[str, str, bytes]]:
    if not message_id:
        return []
    try:
        message = access.access_message(agent, uuid.UUID(message_id))
    except ValueError:
        raise NotFound() from None
    raw = access.access_message_bytes(agent, message)
    found = []
    for part in read(raw).attachments:
        got = attachment_bytes(raw, part.number)
        if got is not None:
            found.append((got[0].filename, got[0].content_type, got[1]))
    return found


def _composition(request: HttpRequest, agent: Any, *, with_files: bool) -> Composition:
    post = request.POST
    draft: uuid.UUID | None = None
    try:
        draft = uuid.UUID(post.get("draft", "")) if post.get("draft") else None
    except ValueError:
        draft = None
    uploads: list[tuple[str, str, bytes]] = []
    if with_files:
        for upload in request.FILES.getlist("attachments"):
            uploads.append(
                (upload.name or "piece-jointe", upload.content_type or "", upload.read())
            )
        uploads += _forwarded_attachments(agent, post.get("forward_of", ""))
    return Composition(
        sender=post.get("sender", ""),
        to=post.get("to", ""),
        cc=post.get("cc", ""),
        bcc=post.get("bcc", ""),
        subject=post.get("subject", ""),
        body=post.get("body", ""),
        in_reply_to=post.get("in_reply_to", ""),
        references=post.get("references", "").split(),
        uploads=uploads,
        drive_files=post.getlist("drive_files") if with_files else [],
        draft=draft,
    )


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    senders = _senders(agent)
    mailboxes = access.access_mailboxes(agent)
    if not senders or not mailboxes:
        return render(request, "mail/no_mailbox.html", {})
    errors: list[str] = []
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in _initial(agent, None, "", senders)}
        values["draft"] = request.POST.get("draft", "")
        chosen = set(request.POST.getlist("drive_files"))
        try:
            sent = do_send(
                agent,
                _composition(request, agent, with_files=True),
                base_url=request.build_absolute_uri("/"),
            )
        except BeffroiError as error:
            errors = [m for problems in error.fields.values() for m in problems] or [error.message]
        else:
            messages.success(request, _("Votre message est envoyé."))
            sent_folder = Folder.objects.get(
                mailbox=sent.mailbox, special_use=Folder.SpecialUse.SENT
            )
            inbox = Folder.objects.filter(
                mailbox=mailboxes[0], special_use=Folder.SpecialUse.INBOX
            ).first()
            return redirect("mail:folder", folder_id=(inbox or sent_folder).pk)
    else:
        answered, mode = _answering(agent, request)
        values = _initial(agent, answered, mode, senders)
        values["draft"] = ""
        values.update(_draft_values(agent, request.GET.get("brouillon", "")))
        chosen = set()
    current_mailbox = mailboxes[0]
    status = 422 if errors else 200
    return render(
        request,
        "mail/compose.html",
        {
            **sidebar(agent, current_mailbox, None),
            "values": values,
            "senders": senders,
            "errors": errors,
            "drives": drive_picker(agent),
            "chosen": {str(c) for c in chosen},
            "link_mib": settings.MAIL_ATTACHMENT_LINK_BYTES // 2**20,
        },
        status=status,
    )


@login_required
@require_POST
def save_draft(request: HttpRequest) -> JsonResponse:
    agent = acting_agent(request)
    try:
        draft = do_save_draft(agent, _composition(request, agent, with_files=False))
    except BeffroiError as error:
        return JsonResponse({"error": error.message}, status=error.http_status)
    return JsonResponse(
        {
            "draft": str(draft.pk),
            "message": _("Brouillon enregistré à %(heure)s.")
            % {"heure": formats.time_format(timezone.localtime(draft.internal_date), "H:i")},
        }
    )
