"""Every write to the mail store: one transaction each.

Domains, mailboxes, aliases and delegations are audited; messages are not (numerous, and the
mailbox's own business), but each change bumps the folder's MODSEQ for IMAP clients.
"""

from beffroi.mail.actions.domains import do_add_domain, do_rotate_dkim_key
from beffroi.mail.actions.mailboxes import (
    do_add_alias,
    do_create_mailbox,
    do_create_shared_mailbox,
    do_grant_delegation,
    do_remove_alias,
    do_set_quota,
)
from beffroi.mail.actions.messages import (
    Delivery,
    do_deliver,
    do_expunge,
    do_move,
    do_set_flags,
)
from beffroi.mail.actions.queue import do_delete_queued, do_queue_outbound, do_retry, do_submit

__all__ = [
    "Delivery",
    "do_add_alias",
    "do_add_domain",
    "do_create_mailbox",
    "do_create_shared_mailbox",
    "do_delete_queued",
    "do_deliver",
    "do_expunge",
    "do_grant_delegation",
    "do_move",
    "do_queue_outbound",
    "do_remove_alias",
    "do_retry",
    "do_rotate_dkim_key",
    "do_set_flags",
    "do_set_quota",
    "do_submit",
]
