"""The mail store's models, one module per topic (see each module's docstring)."""

from beffroi.mail.models.mailboxes import (
    Alias,
    Delegation,
    DkimKey,
    Domain,
    Expunged,
    Folder,
    Mailbox,
    Message,
    QueuedMessage,
    new_uidvalidity,
)

__all__ = [
    "Alias",
    "Delegation",
    "DkimKey",
    "Domain",
    "Expunged",
    "Folder",
    "Mailbox",
    "Message",
    "QueuedMessage",
    "new_uidvalidity",
]
