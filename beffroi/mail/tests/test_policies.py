"""Who may do what with a mailbox, for every persona: the owner everything, a delegation its
rights (directly or through a group), administrators manage without reading."""

from __future__ import annotations

import pytest

from beffroi.core.errors import NotAllowed, NotFound
from beffroi.directory.actions import do_create_group, do_set_group_members
from beffroi.mail.access import (
    access_mailbox,
    access_mailboxes,
    access_sending_addresses,
)
from beffroi.mail.actions import do_create_shared_mailbox, do_grant_delegation
from beffroi.mail.models import Mailbox
from beffroi.mail.policies import ADMINISTRATOR, NOTHING, MailboxAbilities, abilities

pytestmark = pytest.mark.django_db

# « urbanisme@ »: agent_voirie may read and send as it; the group « Élus » reads it and sends
# on its behalf.
EXPECTED = {
    "maire": ADMINISTRATOR,
    "agent_voirie": MailboxAbilities(read=True, send_as=True),
    "agent_finances": NOTHING,
    "elu": MailboxAbilities(read=True, send_on_behalf=True),
    "invite_externe": NOTHING,
    "anonyme": NOTHING,
}


@pytest.fixture
def urbanisme(domain, maire, agent_voirie, elu) -> Mailbox:
    shared = do_create_shared_mailbox("urbanisme@ville-exemple.fr", "Urbanisme", acting=maire)
    do_grant_delegation(shared, agent_voirie, send_as=True, acting=maire)
    group = do_create_group(name="Élus", description="", acting=maire)
    do_set_group_members(group, [elu], acting=maire)
    do_grant_delegation(shared, group, send_on_behalf=True, acting=maire)
    return shared


def test_abilities_of_every_persona(request, persona, urbanisme):
    name = request.node.callspec.params["persona"]
    assert abilities(persona, urbanisme) == EXPECTED[name]


def test_access_answers_the_same_for_missing_and_forbidden(urbanisme, agent_finances):
    """A mailbox one may not read and one that does not exist give the same NotFound."""
    with pytest.raises(NotFound) as forbidden:
        access_mailbox(agent_finances, urbanisme.pk)
    with pytest.raises(NotFound) as missing:
        access_mailbox(agent_finances, "00000000-0000-0000-0000-000000000000")
    assert str(forbidden.value) == str(missing.value)


def test_an_agent_lists_their_mailbox_then_the_delegated_ones(urbanisme, agent_voirie, maire):
    """Own mailbox first, then those delegated for reading; an administrator sees only theirs."""
    assert [m.address for m in access_mailboxes(agent_voirie)] == [
        "agent.voirie@ville-exemple.fr",
        "urbanisme@ville-exemple.fr",
    ]
    assert [m.address for m in access_mailboxes(maire)] == ["maire@ville-exemple.fr"]


def test_sending_addresses_follow_the_delegations(urbanisme, agent_voirie, elu, agent_finances):
    """Send as: the address is one's own to use; on behalf: separately; none: only one's own."""
    voirie = access_sending_addresses(agent_voirie)
    assert voirie.as_self == {"agent.voirie@ville-exemple.fr", "urbanisme@ville-exemple.fr"}
    assert access_sending_addresses(elu).on_behalf == {"urbanisme@ville-exemple.fr"}
    assert access_sending_addresses(elu).as_self == {"elu@ville-exemple.fr"}
    assert not access_sending_addresses(agent_finances).may_send_from("urbanisme@ville-exemple.fr")


def test_withdrawing_every_right_removes_the_delegation(urbanisme, agent_voirie, maire):
    """A delegation with no right left is deleted: the agent no longer reads the mailbox."""
    do_grant_delegation(urbanisme, agent_voirie, read=False, acting=maire)
    assert abilities(agent_voirie, urbanisme) == NOTHING


def test_only_a_manager_delegates(urbanisme, agent_voirie, agent_finances):
    """An agent who may only read and send cannot hand out rights."""
    with pytest.raises(NotAllowed):
        do_grant_delegation(urbanisme, agent_finances, acting=agent_voirie)
