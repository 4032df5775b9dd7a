"""The mail store's models, one module per topic (see each module's docstring)."""

from beffroi.mail.models.conversations import Assignment
from beffroi.mail.models.lists import HeldMessage, MailingList
from beffroi.mail.models.mailboxes import (
    Alias,
    Delegation,
    DkimKey,
    Domain,
    Expunged,
    Folder,
    Mailbox,
    Message,
    new_uidvalidity,
)
from beffroi.mail.models.queue import QueuedMessage, QueuedRecipient
from beffroi.mail.models.rules import AutoReplySent, DeliveryRule, OutOfOffice

__all__ = [
    "Alias",
    "Assignment",
    "AutoReplySent",
    "Delegation",
    "DeliveryRule",
    "DkimKey",
    "Domain",
    "Expunged",
    "Folder",
    "HeldMessage",
    "Mailbox",
    "MailingList",
    "Message",
    "OutOfOffice",
    "QueuedMessage",
    "QueuedRecipient",
    "new_uidvalidity",
]
