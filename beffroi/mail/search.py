"""Mail in the one search box: subject, sender and recipients, text of the body.

A message is indexed in the scope of its mailbox (``mailbox:<id>``); the scopes an agent
searches are the mailboxes they read now (their own, and those delegated to them for reading),
computed at each search: a delegate whose delegation is removed stops finding that mailbox's
mail at once, without reindexing. The store's actions keep the index (a message added, moved
to another mailbox, expunged), after their transaction commits; a delivery hands over the
message it already parsed, so nothing is read twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.message import Message as EmailMessage
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.mail.access import access_mailboxes
from beffroi.mail.models import Message
from beffroi.mail.reading import plain_text
from beffroi.mail.store import read_raw
from beffroi.search.documents import Document
from beffroi.search.indexing import (
    index_many_on_commit,
    index_on_commit,
    remove_many_on_commit,
)
from beffroi.search.registry import Source
from beffroi.search.registry import register as register_source

KIND = "mail"
logger = logging.getLogger(__name__)


def scopes_of(agent: Any) -> list[str]:
    return [f"mailbox:{mailbox.pk}" for mailbox in access_mailboxes(agent)]


def document_of(message: Message, parsed: EmailMessage | None = None) -> Document:
    try:
        text = plain_text(parsed if parsed is not None else read_raw(message.blob_id))
    except Exception:  # an unreadable blob still leaves the headers searchable
        logger.exception("mail search: message %s unreadable", message.pk)
        text = ""
    mailbox_id = message.folder.mailbox_id
    return Document(
        kind=KIND,
        object_id=str(message.pk),
        scope=f"mailbox:{mailbox_id}",
        title=message.subject or str(_("(sans objet)")),
        body="\n".join([message.sender, message.to, message.cc, text]),
        url=reverse("mail:conversation", args=[mailbox_id, message.thread_id]),
        updated_at=message.updated_at,
    )


def documents() -> Iterator[Document]:
    for message in Message.objects.select_related("folder").iterator(chunk_size=200):
        yield document_of(message)


def message_added(message: Message, parsed: EmailMessage) -> None:
    """A message was stored (``parsed``: its bytes as the delivery read them)."""
    index_on_commit(document_of(message, parsed))


def messages_moved(messages: list[Message], *, other_mailbox: bool) -> None:
    """Messages changed folder: within a mailbox their entries stay as they are; into another
    mailbox they change scope and address."""
    if other_mailbox:
        index_many_on_commit(document_of(message) for message in messages)


def messages_removed(ids: list[str]) -> None:
    remove_many_on_commit(KIND, ids)


def register() -> None:
    register_source(
        Source(kind=KIND, label=_("Courrier"), scopes=scopes_of, documents=documents, order=15)
    )
