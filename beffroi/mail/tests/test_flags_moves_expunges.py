"""Flags, moves and expunges: each change bumps MODSEQ, and removed UIDs are remembered with
the MODSEQ of their removal (what IMAP's CONDSTORE and QRESYNC read)."""

from __future__ import annotations

import pytest

from beffroi.core.errors import NotFound
from beffroi.mail.actions import do_deliver, do_expunge, do_move, do_set_flags
from beffroi.mail.models import Expunged, Folder, Message
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db

TO = ["agent.voirie@ville-exemple.fr"]


def folder(agent, role: str) -> Folder:
    return Folder.objects.select_related("mailbox").get(mailbox__owner=agent, special_use=role)


@pytest.fixture
def inbox(domain, agent_voirie) -> Folder:
    for number in range(3):
        do_deliver(message(subject=f"Message {number}"), "", TO)
    return folder(agent_voirie, "inbox")


def test_setting_a_flag_bumps_the_modseq(inbox, agent_voirie):
    """Seen on one message: that message alone gets the folder's new highest MODSEQ."""
    before = inbox.messages.get(uid=2).modseq
    [changed] = do_set_flags(agent_voirie, inbox, [2], add=["seen", "$Important"])
    inbox.refresh_from_db()
    assert changed.seen
    assert changed.keywords == ["$Important"]
    assert changed.modseq == inbox.highestmodseq > before
    assert inbox.messages.get(uid=1).modseq < changed.modseq


def test_a_flag_already_set_changes_nothing(inbox, agent_voirie):
    """Setting a flag a message has keeps its MODSEQ."""
    do_set_flags(agent_voirie, inbox, [1], add=["flagged"])
    modseq = inbox.messages.get(uid=1).modseq
    assert do_set_flags(agent_voirie, inbox, [1], add=["flagged"]) == []
    assert inbox.messages.get(uid=1).modseq == modseq


def test_removing_flags_and_keywords(inbox, agent_voirie):
    """Removed flags and keywords are gone."""
    do_set_flags(agent_voirie, inbox, [1], add=["seen", "$Travail"])
    [changed] = do_set_flags(agent_voirie, inbox, [1], remove=["seen", "$Travail"])
    assert not changed.seen
    assert changed.keywords == []


def test_expunge_removes_deleted_messages_and_remembers_their_uids(inbox, agent_voirie):
    """Only messages flagged deleted go; their UIDs are recorded with the expunge's MODSEQ."""
    do_set_flags(agent_voirie, inbox, [1, 3], add=["deleted"])
    assert do_expunge(agent_voirie, inbox) == [1, 3]
    inbox.refresh_from_db()
    assert list(inbox.messages.values_list("uid", flat=True)) == [2]
    assert set(Expunged.objects.filter(folder=inbox).values_list("uid", "modseq")) == {
        (1, inbox.highestmodseq),
        (3, inbox.highestmodseq),
    }


def test_a_move_gives_new_uids_and_expunges_the_old(inbox, agent_voirie):
    """Moved messages get the target's next UIDs; the source remembers the old ones."""
    archive = folder(agent_voirie, "archive")
    moved = do_move(agent_voirie, inbox, [2, 3], archive)
    assert [m.uid for m in moved] == [1, 2]
    assert list(Message.objects.filter(folder=archive).values_list("uid", flat=True)) == [1, 2]
    assert set(Expunged.objects.filter(folder=inbox).values_list("uid", flat=True)) == {2, 3}
    archive.refresh_from_db()
    assert archive.uidnext == 3
    # A new delivery to the inbox never reuses a UID.
    [new] = do_deliver(message(), "", TO).messages
    assert new.uid == 4


def test_someone_else_cannot_touch_the_folder(inbox, agent_finances):
    """An agent without a delegation gets NotFound, and nothing changes."""
    with pytest.raises(NotFound):
        do_set_flags(agent_finances, inbox, [1], add=["seen"])
    with pytest.raises(NotFound):
        do_expunge(agent_finances, inbox)
    assert not inbox.messages.filter(seen=True).exists()
