"""Conversations in the webmail: their assignment in a shared mailbox (audited), and the
reader's moves: delete (to the Trash; from the Trash, for good), read or unread, flagged."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory.models import Agent
from beffroi.mail.actions.messages import do_expunge, do_move, do_set_flags
from beffroi.mail.models import Assignment, Folder, Mailbox, Message
from beffroi.mail.policies import abilities, may_assign, signed_in_agent


def do_assign(
    user: Any,
    mailbox: Mailbox,
    thread_id: uuid.UUID,
    *,
    assignee: Agent | None,
    status: str,
    address: str | None = None,
) -> Assignment:
    """Hand the conversation ``thread_id`` of ``mailbox`` to ``assignee`` (or to no one) with
    ``status``. Only an agent who reads the mailbox may, and only to another who reads it; a
    conversation the mailbox does not hold is missing."""
    agent = signed_in_agent(user)
    if agent is None or not may_assign(agent, mailbox):
        raise NotFound()
    if not Message.objects.filter(folder__mailbox=mailbox, thread_id=thread_id).exists():
        raise NotFound()
    if status not in Assignment.Status.values:
        message = _("Choisissez un statut : à traiter, en cours ou traité.")
        raise InvalidInput(message, fields={"status": [message]})
    if assignee is not None and not abilities(assignee, mailbox).read:
        message = _("%(nom)s n'a pas de délégation sur cette boîte aux lettres.") % {
            "nom": assignee.display_name
        }
        raise InvalidInput(message, fields={"assignee": [message]})
    with transaction.atomic():
        assignment, _created = Assignment.objects.select_for_update().get_or_create(
            mailbox=mailbox, thread_id=thread_id
        )
        assignment.assignee = assignee
        assignment.status = status
        assignment.assigned_by = agent
        assignment.save()
        record(
            "mail.conversation_assigned",
            actor=agent,
            target=mailbox,
            address=address,
            details={
                "thread": str(thread_id),
                "assignee": assignee.username if assignee is not None else None,
                "status": status,
            },
        )
    return assignment


def do_delete(user: Any, message: Message) -> None:
    """Into the mailbox's Trash; a message already there is expunged."""
    folder = message.folder
    with transaction.atomic():
        if folder.special_use == Folder.SpecialUse.TRASH:
            do_set_flags(user, folder, [message.uid], add=["deleted"])
            do_expunge(user, folder, [message.uid])
            return
        trash = Folder.objects.select_related("mailbox").get(
            mailbox=folder.mailbox, special_use=Folder.SpecialUse.TRASH
        )
        do_move(user, folder, [message.uid], trash)


def do_move_to(user: Any, message: Message, target: Folder) -> None:
    if target.mailbox_id != message.folder.mailbox_id:
        raise NotFound()
    do_move(user, message.folder, [message.uid], target)


def do_mark(user: Any, message: Message, *, add: list[str], remove: list[str]) -> None:
    """Read/unread, flagged/unflagged: only those two flags from the web page."""
    allowed = {"seen", "flagged"}
    if not set(add) | set(remove) <= allowed:
        raise InvalidInput(_("Action inconnue."))
    do_set_flags(user, message.folder, [message.uid], add=add, remove=remove)
