"""Messages in and out of folders: delivery, flags, moves, expunges.

UIDs and MODSEQs are allocated by one ``UPDATE … SET uidnext = uidnext + 1`` on the folder row
inside the transaction that writes the message: on PostgreSQL the update holds the row's lock
until commit, on SQLite the transaction holds the database's write lock (``IMMEDIATE``), so two
deliveries into one folder never get the same UID, and UIDs are given in commit order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.mail import search
from beffroi.mail.errors import QuotaExceeded
from beffroi.mail.index import MessageIndex, index_of, printable
from beffroi.mail.models import Delegation, Expunged, Folder, Mailbox, Message
from beffroi.mail.policies import abilities
from beffroi.mail.rules import LazyMessage
from beffroi.mail.store import store_raw

SYSTEM_FLAGS = frozenset({"seen", "answered", "flagged", "deleted", "draft"})


@dataclass(frozen=True)
class Delivery:
    """What a delivery wrote: one message per distinct mailbox reached; with ``partial``, the
    addresses of the mailboxes too full to take it."""

    messages: list[Message]
    refused: list[str] = field(default_factory=list)


def _allocate(folder_id: uuid.UUID, uids: int = 1) -> tuple[int, int]:
    """Take ``uids`` UIDs and one MODSEQ in the folder: (first UID, MODSEQ). Inside a
    transaction only."""
    Folder.objects.filter(pk=folder_id).update(
        uidnext=F("uidnext") + uids, highestmodseq=F("highestmodseq") + 1
    )
    uidnext, modseq = (
        Folder.objects.filter(pk=folder_id).values_list("uidnext", "highestmodseq").get()
    )
    return uidnext - uids, modseq


def _next_modseq(folder_id: uuid.UUID) -> int:
    return _allocate(folder_id, uids=0)[1]


def _charge(mailbox: Mailbox, size: int) -> None:
    """Count ``size`` more bytes in the mailbox, or raise ``QuotaExceeded`` (one conditional
    update: concurrent deliveries cannot both squeeze under the quota)."""
    room = Q(quota_bytes=0) | Q(used_bytes__lte=F("quota_bytes") - size)
    if (
        not Mailbox.objects.filter(pk=mailbox.pk)
        .filter(room)
        .update(used_bytes=F("used_bytes") + size)
    ):
        raise QuotaExceeded()


def _release(mailbox_id: uuid.UUID, size: int) -> None:
    Mailbox.objects.filter(pk=mailbox_id).update(used_bytes=F("used_bytes") - size)


def _thread_of(mailbox: Mailbox, index: MessageIndex) -> uuid.UUID:
    """The thread of the message it answers or references, if it is in this mailbox."""
    related = [*index.references, index.in_reply_to] if index.in_reply_to else index.references
    if related:
        found = (
            Message.objects.filter(folder__mailbox=mailbox, message_id__in=related)
            .values_list("thread_id", flat=True)
            .first()
        )
        if found is not None:
            return found
    if index.message_id:
        # A reply that arrived before the message it answers: adopt the reply's thread.
        found = (
            Message.objects.filter(folder__mailbox=mailbox)
            .filter(in_reply_to=index.message_id)
            .values_list("thread_id", flat=True)
            .first()
        )
        if found is not None:
            return found
    return uuid.uuid4()


def reader_ids(mailbox: Mailbox) -> set[Any]:
    """The agents who read ``mailbox``: its owner and its read delegates."""
    readers: set[Any] = {mailbox.owner_id} if mailbox.owner_id else set()
    for agent_id, member_id in Delegation.objects.filter(mailbox=mailbox, read=True).values_list(
        "agent_id", "group__members"
    ):
        readers.update(value for value in (agent_id, member_id) if value is not None)
    return readers


def _publish(mailbox: Mailbox, event: str, payload: dict[str, Any]) -> None:
    publish_on_commit(
        [agent_group(agent_id) for agent_id in reader_ids(mailbox)],
        event,
        {"mailbox": str(mailbox.pk), **payload},
    )


def _add(
    folder: Folder,
    *,
    blob_sha256: str,
    size: int,
    index: MessageIndex,
    envelope_sender: str = "",
    flags: Iterable[str] = (),
) -> Message:
    uid, modseq = _allocate(folder.pk)
    chosen = set(flags)
    return Message.objects.create(
        folder=folder,
        uid=uid,
        modseq=modseq,
        blob_id=blob_sha256,
        size=size,
        internal_date=timezone.now(),
        message_id=index.message_id,
        in_reply_to=index.in_reply_to,
        references=index.references,
        subject=index.subject,
        sender=index.sender,
        to=index.to,
        cc=index.cc,
        date=index.date,
        thread_id=_thread_of(folder.mailbox, index),
        structure=index.structure,
        envelope_sender=printable(envelope_sender)[:320],
        **{flag: flag in chosen for flag in SYSTEM_FLAGS},
    )


def do_deliver(
    raw: bytes,
    envelope_sender: str,
    recipients: Sequence[str],
    *,
    special_use: str = Folder.SpecialUse.INBOX,
    flags: Iterable[str] = (),
    from_outside: bool = False,
    partial: bool = False,
) -> Delivery:
    """Deliver ``raw`` (stored byte for byte) into the folder of role ``special_use`` (the
    inbox by default) of each mailbox the recipients reach, once per mailbox; a list reaches
    its members (a copy with its ``List-Id``), or holds the message for its moderator.

    Into the inbox, the mailbox's rules choose the folder and flags, then redirects and the
    out-of-office reply follow (``beffroi.mail.actions.rules``). ``from_outside``: the message
    came from the world (the MX), so it is never taken for an agent's when a list checks who
    may post.

    All or nothing: an unknown recipient (``UnknownRecipient``), a list refusing the sender
    (``PostingRefused``) or a full mailbox (``QuotaExceeded``) delivers to none, unless
    ``partial``: then full mailboxes are skipped and named in ``Delivery.refused``. The blobs
    are written first, then every row in one transaction.
    """
    from beffroi.mail.actions import lists, rules

    expansion = lists.expand(recipients, envelope_sender, raw, from_outside=from_outside)
    if not expansion.copies and not expansion.held:
        raise InvalidInput()
    distinct = dict.fromkeys(copy for _mailbox, copy in expansion.copies)
    variants = {copy: (store_raw(copy), index_of(copy), LazyMessage(copy)) for copy in distinct}
    messages, refused, effects = [], [], []
    with transaction.atomic():
        for mailing_list in expansion.held:
            lists.hold(mailing_list, raw, envelope_sender)
        for mailbox, copy in expansion.copies:
            stored, index, parsed = variants[copy]
            try:
                _charge(mailbox, stored.size)
            except QuotaExceeded:
                if not partial:
                    raise
                refused.append(mailbox.address)
                continue
            plan = None
            folder_query = Folder.objects.select_related("mailbox")
            folder = folder_query.get(mailbox=mailbox, special_use=special_use)
            chosen = set(flags)
            if special_use == Folder.SpecialUse.INBOX:
                plan = rules.plan_for(mailbox, parsed, envelope_sender)
                if plan.folder is not None:
                    folder = folder_query.get(pk=plan.folder.pk)
                if plan.mark_read:
                    chosen.add("seen")
            message = _add(
                folder,
                blob_sha256=stored.sha256,
                size=stored.size,
                index=index,
                envelope_sender=envelope_sender,
                flags=chosen,
            )
            messages.append(message)
            search.message_added(message, parsed.message)
            _publish(mailbox, "mail.message_added", {"folder": str(folder.pk), "uid": message.uid})
            if plan is not None:
                effects.append((mailbox, parsed, plan))
        for mailbox, parsed, plan in effects:
            rules.after_delivery(mailbox, parsed, envelope_sender, plan)
    return Delivery(messages=messages, refused=refused)


def _readable(user: Any, folder: Folder) -> None:
    if not abilities(user, folder.mailbox).read:
        raise NotFound()


def do_set_flags(
    user: Any,
    folder: Folder,
    uids: Iterable[int],
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> list[Message]:
    """Add and remove flags (``seen``, ``answered``, ``flagged``, ``deleted``, ``draft``) and
    keywords on messages of ``folder``; each changed message gets the folder's next MODSEQ."""
    _readable(user, folder)
    adding, removing = set(add), set(remove)
    with transaction.atomic():
        modseq = _next_modseq(folder.pk)
        changed = []
        for message in Message.objects.select_for_update().filter(folder=folder, uid__in=uids):
            before = (_flags_of(message), list(message.keywords))
            for flag in SYSTEM_FLAGS:
                if flag in adding:
                    setattr(message, flag, True)
                elif flag in removing:
                    setattr(message, flag, False)
            keywords = [word for word in message.keywords if word not in removing]
            keywords += sorted(word for word in adding - SYSTEM_FLAGS if word not in keywords)
            message.keywords = keywords
            if (_flags_of(message), list(message.keywords)) != before:
                message.modseq = modseq
                message.save(update_fields=[*SYSTEM_FLAGS, "keywords", "modseq", "updated_at"])
                changed.append(message)
        _publish(folder.mailbox, "mail.flags_changed", {"folder": str(folder.pk)})
    return changed


def _flags_of(message: Message) -> frozenset[str]:
    return frozenset(flag for flag in SYSTEM_FLAGS if getattr(message, flag))


def do_move(user: Any, folder: Folder, uids: Iterable[int], target: Folder) -> list[Message]:
    """Move messages to ``target`` (new UIDs there; their old UIDs recorded as expunged)."""
    _readable(user, folder)
    _readable(user, target)
    if target.pk == folder.pk:
        return list(Message.objects.filter(folder=folder, uid__in=uids))
    with transaction.atomic():
        moving = list(
            Message.objects.select_for_update().filter(folder=folder, uid__in=uids).order_by("uid")
        )
        if not moving:
            return []
        source_modseq = _next_modseq(folder.pk)
        first_uid, target_modseq = _allocate(target.pk, uids=len(moving))
        if target.mailbox_id != folder.mailbox_id:
            size = sum(message.size for message in moving)
            _charge(target.mailbox, size)
            _release(folder.mailbox_id, size)
        Expunged.objects.bulk_create(
            Expunged(folder=folder, uid=message.uid, modseq=source_modseq) for message in moving
        )
        for offset, message in enumerate(moving):
            message.folder = target
            message.uid = first_uid + offset
            message.modseq = target_modseq
            message.save(update_fields=["folder", "uid", "modseq", "updated_at"])
        search.messages_moved(moving, other_mailbox=target.mailbox_id != folder.mailbox_id)
        _publish(folder.mailbox, "mail.messages_moved", {"folder": str(folder.pk)})
        if target.mailbox_id != folder.mailbox_id:
            _publish(target.mailbox, "mail.messages_moved", {"folder": str(target.pk)})
    return moving


def do_expunge(user: Any, folder: Folder, uids: Iterable[int] | None = None) -> list[int]:
    """Remove the messages flagged ``deleted`` (only those among ``uids`` if given); their
    UIDs are recorded with the MODSEQ of the expunge. The blobs go when nothing else holds
    them (the collector's business)."""
    _readable(user, folder)
    with transaction.atomic():
        doomed = Message.objects.select_for_update().filter(folder=folder, deleted=True)
        if uids is not None:
            doomed = doomed.filter(uid__in=list(uids))
        gone = list(doomed.values_list("pk", "uid", "size"))
        if not gone:
            return []
        uids_gone = [uid for _pk, uid, _size in gone]
        modseq = _next_modseq(folder.pk)
        Expunged.objects.bulk_create(
            Expunged(folder=folder, uid=uid, modseq=modseq) for uid in uids_gone
        )
        Message.objects.filter(folder=folder, uid__in=uids_gone).delete()
        _release(folder.mailbox_id, sum(size for _pk, _uid, size in gone))
        search.messages_removed([str(pk) for pk, _uid, _size in gone])
        _publish(folder.mailbox, "mail.messages_expunged", {"folder": str(folder.pk)})
    return uids_gone
