"""Sending from the webmail, and its drafts.

The sender check is the submission port's rule (``access_sending_addresses``): the agent's own
address and aliases, a mailbox delegated "send as", or "send on behalf" (From: the mailbox,
Sender: the agent). Everything is checked before anything is written; then, in one transaction,
the Drive links are made, the message is delivered to local mailboxes and queued for the
others (``do_submit``), a copy goes into the Sent folder of the mailbox it is sent from, and the
draft it came from is removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.models import Agent
from beffroi.files.access.nodes import access_root
from beffroi.files.access.shares import access_readable_node
from beffroi.files.actions.links import do_create_link
from beffroi.files.actions.nodes import do_create_folder, do_open_personal_space, do_upload
from beffroi.files.collisions import free_name
from beffroi.files.models import Node, PublicLink
from beffroi.mail import composing
from beffroi.mail.access import access_sending_addresses
from beffroi.mail.actions.messages import do_deliver, do_expunge, do_set_flags
from beffroi.mail.actions.queue import do_submit
from beffroi.mail.composing import Outgoing, Recipient
from beffroi.mail.models import Folder, Mailbox, Message
from beffroi.mail.policies import abilities, signed_in_agent
from beffroi.mail.queries import is_local_domain, is_local_recipient, mailbox_for_address
from beffroi.mail.reading import safe_filename

SENT_ATTACHMENTS_FOLDER = "Pièces jointes envoyées"
MAX_DRIVE_LINKS = 20


@dataclass
class Composition:
    """The compose form as typed (nothing checked yet)."""

    sender: str
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    # (file name, content type, bytes) of the uploaded files.
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)
    drive_files: list[str] = field(default_factory=list)  # node ids
    draft: uuid.UUID | None = None  # the draft (Message id) it replaces


@dataclass(frozen=True)
class Sent:
    raw: bytes
    mailbox: Mailbox
    links: list[str]


def _agent(user: Any) -> Agent:
    agent = signed_in_agent(user)
    if agent is None:
        raise NotFound()
    return agent


def _sending(user: Any, address: str) -> tuple[Recipient, str | None]:
    """The From: recipient and the Sender: (own address, for "on behalf"), or a refusal."""
    composing.refuse_line_breaks(address, _("De"))
    rights = access_sending_addresses(user)
    chosen = address.strip().lower()
    if not rights.may_send_from(chosen):
        raise NotAllowed(
            _("Vous ne pouvez pas envoyer de message depuis l'adresse %(adresse)s.")
            % {"adresse": chosen or "—"}
        )
    mailbox = mailbox_for_address(chosen)
    name = mailbox.name if mailbox is not None else ""
    on_behalf = None if chosen in rights.as_self else rights.own
    return Recipient(name=name, address=chosen), on_behalf


def outgoing_of(user: Any, composition: Composition) -> Outgoing:
    """The composition checked: sender rights, recipients, sizes (nothing written)."""
    sender, on_behalf = _sending(user, composition.sender)
    outgoing = Outgoing(
        sender=sender,
        on_behalf_of=on_behalf,
        to=composing.parse_recipients(composition.to, _("À"), "to"),
        cc=composing.parse_recipients(composition.cc, _("Cc"), "cc"),
        bcc=composing.parse_recipients(composition.bcc, _("Cci"), "bcc"),
        subject=composing.check_subject(composition.subject),
        body=composing.check_body(composition.body),
    )
    for reference in [composition.in_reply_to, *composition.references]:
        composing.refuse_line_breaks(reference, "References")
    outgoing.in_reply_to = composition.in_reply_to.strip()[:998]
    outgoing.references = [r.strip()[:998] for r in composition.references if r.strip()][-20:]
    return outgoing


def _split(recipients: list[str]) -> tuple[list[str], list[str]]:
    local, outside = [], []
    for address in recipients:
        if is_local_domain(address.rpartition("@")[2]):
            if not is_local_recipient(address):
                message = _("Aucune boîte aux lettres ne porte l'adresse %(adresse)s.") % {
                    "adresse": address
                }
                raise InvalidInput(message, fields={"to": [message]})
            local.append(address)
        else:
            outside.append(address)
    return local, outside


def _public_url(base_url: str, link: PublicLink) -> str:
    path = reverse("public_links:open", args=[link.token])
    return f"{(settings.PUBLIC_URL or base_url).rstrip('/')}{path}"


def _sent_attachments_folder(agent: Agent) -> Node:
    root = access_root(agent, do_open_personal_space(agent))
    existing = Node.objects.filter(
        parent=root, name=SENT_ATTACHMENTS_FOLDER, is_folder=True, trashed_at=None
    ).first()
    return existing or do_create_folder(agent, root, SENT_ATTACHMENTS_FOLDER)


Upload = tuple[str, str, bytes]


def _link_lines(
    agent: Agent, composition: Composition, base_url: str
) -> tuple[list[str], list[Upload]]:
    """Drive links for the chosen files and for uploads over the threshold; the uploads that
    stay attachments."""
    if len(composition.drive_files) > MAX_DRIVE_LINKS:
        raise InvalidInput(_("Au plus %(nombre)d fichiers du Drive.") % {"nombre": MAX_DRIVE_LINKS})
    nodes: list[Node] = []
    for node_id in composition.drive_files:
        try:
            key = uuid.UUID(str(node_id))
        except ValueError:
            raise NotFound() from None
        node = access_readable_node(agent, key)
        if node.is_folder:
            raise InvalidInput(_("Choisissez un fichier, pas un dossier."))
        nodes.append(node)
    kept: list[Upload] = []
    large: list[Upload] = []
    for upload in composition.uploads:
        (large if len(upload[2]) > settings.MAIL_ATTACHMENT_LINK_BYTES else kept).append(upload)
    inline = sum(len(upload[2]) for upload in kept)
    if inline > settings.MAIL_MAX_MESSAGE_BYTES * 0.7:
        raise InvalidInput(_("Les pièces jointes sont trop volumineuses pour être envoyées."))
    lines = []
    if large:
        folder = _sent_attachments_folder(agent)
        for name, content_type, data in large:
            node = do_upload(
                agent, folder, free_name(folder, name), [data], content_type=content_type
            )
            nodes.append(node)
    for node in nodes:
        link = do_create_link(agent, node, kind=PublicLink.Kind.READ, label=_("Courrier"))
        lines.append(f"- [{node.name}]({_public_url(base_url, link)})")
    return lines, kept


def do_send(user: Any, composition: Composition, *, base_url: str = "") -> Sent:
    """Send what the agent composed (see the module's docstring); refused as a whole."""
    agent = _agent(user)
    outgoing = outgoing_of(user, composition)
    if not outgoing.recipients:
        message = _("Indiquez au moins un destinataire.")
        raise InvalidInput(message, fields={"to": [message]})
    local, outside = _split(outgoing.recipients)
    mailbox = mailbox_for_address(outgoing.sender.address)
    if mailbox is None:
        raise NotAllowed(_("Cette adresse n'a pas de boîte aux lettres ici."))
    draft = _own_draft(agent, composition.draft) if composition.draft else None
    with transaction.atomic():
        lines, kept = _link_lines(agent, composition, base_url)
        if lines:
            title = _("Fichiers partagés depuis le Drive :")
            outgoing.body = f"{outgoing.body.rstrip()}\n\n{title}\n\n" + "\n".join(lines) + "\n"
        outgoing.attachments = [(safe_filename(n), t, d) for n, t, d in kept]
        raw = composing.build(outgoing)
        do_submit(raw, outgoing.sender.address, local, outside, agent=agent)
        copy = raw if not outgoing.bcc else composing.build(outgoing, with_bcc=True)
        do_deliver(copy, "", [mailbox.address], special_use=Folder.SpecialUse.SENT, flags=["seen"])
        if draft is not None:
            _remove(agent, draft)
        if outgoing.in_reply_to:
            _mark_answered(agent, mailbox, outgoing.in_reply_to)
    return Sent(raw=raw, mailbox=mailbox, links=lines)


def _mark_answered(agent: Agent, mailbox: Mailbox, message_id: str) -> None:
    """The answered message gets its \\Answered flag, in whichever folder of the mailbox."""
    for message in Message.objects.select_related("folder__mailbox").filter(
        folder__mailbox=mailbox, message_id=message_id
    ):
        do_set_flags(agent, message.folder, [message.uid], add=["answered"])


def _own_draft(agent: Agent, message_id: uuid.UUID) -> Message | None:
    draft = (
        Message.objects.select_related("folder__mailbox")
        .filter(pk=message_id, folder__special_use=Folder.SpecialUse.DRAFTS)
        .first()
    )
    if draft is None or not abilities(agent, draft.folder.mailbox).read:
        return None
    return draft


def _remove(agent: Agent, message: Message) -> None:
    do_set_flags(agent, message.folder, [message.uid], add=["deleted"])
    do_expunge(agent, message.folder, [message.uid])


def do_save_draft(user: Any, composition: Composition) -> Message:
    """Keep what is being written in the Drafts folder of the sending mailbox, replacing the
    draft it continues. A draft is checked less than a message (no recipient needed) but its
    headers are checked the same way."""
    agent = _agent(user)
    outgoing = outgoing_of(user, composition)
    outgoing.attachments = []
    mailbox = mailbox_for_address(outgoing.sender.address)
    if mailbox is None:
        raise NotFound()
    raw = composing.build(outgoing, with_bcc=True)
    previous = _own_draft(agent, composition.draft) if composition.draft else None
    with transaction.atomic():
        delivered = do_deliver(
            raw,
            "",
            [mailbox.address],
            special_use=Folder.SpecialUse.DRAFTS,
            flags=["draft", "seen"],
        )
        if previous is not None:
            _remove(agent, previous)
    return delivered.messages[0]


def do_discard_draft(user: Any, message_id: uuid.UUID) -> None:
    agent = _agent(user)
    draft = _own_draft(agent, message_id)
    if draft is None:
        raise NotFound()
    with transaction.atomic():
        _remove(agent, draft)
