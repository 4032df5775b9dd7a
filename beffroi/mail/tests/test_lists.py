"""Lists from departments and groups: members as they are at delivery, one copy per mailbox,
List-Id and List-Post, who may post (checked at RCPT for the MX too), and moderation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beffroi.core.errors import NotFound
from beffroi.directory.actions import do_create_group, do_set_group_members
from beffroi.directory.models import Agent, DepartmentMembership
from beffroi.mail.actions import do_deliver
from beffroi.mail.actions.inbound import do_receive
from beffroi.mail.actions.lists import (
    NewList,
    PostingRefused,
    access_held,
    do_create_list,
    do_moderate,
    held_for,
)
from beffroi.mail.errors import AddressTaken
from beffroi.mail.index import parse
from beffroi.mail.models import HeldMessage, MailingList, Message
from beffroi.mail.protocols.smtp_inbound import recipient_check
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db

FINANCES = "finances@ville-exemple.fr"
CONSEIL = "conseil@ville-exemple.fr"
OUTSIDE = "habitant@exterieur.example"


def reached(subject: str) -> list[str]:
    return sorted(
        Message.objects.filter(subject=subject).values_list("folder__mailbox__address", flat=True)
    )


@pytest.fixture
def finances_list(domain, finances) -> MailingList:
    return do_create_list(
        NewList(address=FINANCES, name="Service des finances", department=finances)
    )


@pytest.fixture
def conseil(domain, maire, elu) -> MailingList:
    group = do_create_group(name="Conseil municipal", description="", acting=maire)
    do_set_group_members(group, [maire, elu], acting=maire)
    return do_create_list(
        NewList(
            address=CONSEIL,
            name="Conseil municipal",
            group=group,
            who_may_post=MailingList.Posting.MEMBERS,
        )
    )


def test_a_department_list_reaches_its_members_with_list_headers(
    finances_list, agent_finances, agent_voirie
):
    """Each member's mailbox gets the message with List-Id and List-Post."""
    sender = "agent.voirie@ville-exemple.fr"
    do_deliver(message(sender=sender, to=FINANCES, subject="Bons de commande"), sender, [FINANCES])
    assert reached("Bons de commande") == ["agent.finances@ville-exemple.fr"]
    stored = parse(read_raw(Message.objects.get(subject="Bons de commande").blob_id))
    assert stored["List-Id"] == '"Service des finances" <finances.ville-exemple.fr>'
    assert stored["List-Post"] == f"<mailto:{FINANCES}>"


def test_members_are_resolved_at_delivery(finances_list, agent_voirie, voirie):
    """An agent who joins the department after the list was made gets the next message."""
    newcomer = Agent.objects.get(username="agent.voirie")
    DepartmentMembership.objects.create(agent=newcomer, department=finances_list.department)
    sender = "maire@ville-exemple.fr"
    do_deliver(message(subject="Clôture"), sender, [FINANCES])
    assert reached("Clôture") == [
        "agent.finances@ville-exemple.fr",
        "agent.voirie@ville-exemple.fr",
    ]


def test_an_agent_reached_twice_gets_one_copy(finances_list, conseil, agent_finances, maire):
    """The maire is named directly, in the council list, and the finances list reaches
    agent.finances: one copy per mailbox."""
    DepartmentMembership.objects.create(agent=maire, department=finances_list.department)
    sender = "maire@ville-exemple.fr"
    recipients = ["maire@ville-exemple.fr", CONSEIL, FINANCES]
    do_deliver(message(subject="Budget primitif"), sender, recipients)
    assert reached("Budget primitif") == [
        "agent.finances@ville-exemple.fr",
        "elu@ville-exemple.fr",
        "maire@ville-exemple.fr",
    ]


def test_members_only_lists_refuse_others(conseil, agent_voirie):
    """An agent who is not a member may not post; outside mail is refused at RCPT."""
    with pytest.raises(PostingRefused):
        do_deliver(message(subject="Hors conseil"), "agent.voirie@ville-exemple.fr", [CONSEIL])
    assert recipient_check(CONSEIL, OUTSIDE).startswith("550 5.7.1")
    assert recipient_check(CONSEIL, "elu@ville-exemple.fr").startswith("550 5.7.1")
    do_deliver(message(subject="Ordre du jour"), "elu@ville-exemple.fr", [CONSEIL])
    assert reached("Ordre du jour") == ["elu@ville-exemple.fr", "maire@ville-exemple.fr"]
    assert not reached("Hors conseil")


def test_an_open_list_takes_mail_from_the_world(domain, finances, agent_finances):
    """who may post = anyone: the MX accepts it and the members get it."""
    do_create_list(
        NewList(
            address="factures@ville-exemple.fr",
            name="Factures",
            department=finances,
            who_may_post=MailingList.Posting.ANYONE,
        )
    )
    assert recipient_check("factures@ville-exemple.fr", OUTSIDE) is None
    do_receive(
        message(subject="Facture 12"), OUTSIDE, ["factures@ville-exemple.fr"], special_use="inbox"
    )
    assert reached("Facture 12") == ["agent.finances@ville-exemple.fr"]


def test_a_moderated_list_holds_until_the_moderator_decides(
    domain, finances, agent_finances, maire, elu
):
    """Held (delivered to no one), listed for the moderator only; approved: delivered to the
    members as they are then; refused: gone."""
    do_create_list(
        NewList(
            address=FINANCES,
            name="Finances",
            department=finances,
            moderated=True,
            moderator=agent_finances,
        )
    )
    sender = "elu@ville-exemple.fr"
    do_deliver(message(subject="Demande de subvention"), sender, [FINANCES])
    do_deliver(message(subject="Publicité"), sender, [FINANCES])
    assert not reached("Demande de subvention")
    assert [h.subject for h in held_for(agent_finances)] == ["Demande de subvention", "Publicité"]
    assert held_for(elu) == []
    first, second = HeldMessage.objects.order_by("created_at")
    with pytest.raises(NotFound):
        access_held(elu, first.pk)
    assert (
        do_moderate(access_held(agent_finances, first.pk), approve=True, acting=agent_finances) == 1
    )
    do_moderate(access_held(agent_finances, second.pk), approve=False, acting=agent_finances)
    assert reached("Demande de subvention") == ["agent.finances@ville-exemple.fr"]
    assert not reached("Publicité")
    assert not HeldMessage.objects.exists()


def test_a_list_address_cannot_take_a_mailbox_address(domain, finances):
    with pytest.raises(AddressTaken):
        do_create_list(NewList(address="elu@ville-exemple.fr", name="Doublon", department=finances))


def test_the_console_creates_a_list_and_moderates(domain, finances, agent_finances, elu):
    """``beffroi mail list add`` (moderated by --moderator), ``held``, ``approve``."""
    output = StringIO()
    call_command(
        "mail", "list", "add", FINANCES, "--name", "Finances", "--department", "FINANCES",
        "--moderator", "agent.finances", stdout=output,
    )  # fmt: skip
    assert f"Liste créée : {FINANCES}" in output.getvalue()
    do_deliver(message(subject="Note de cadrage"), "elu@ville-exemple.fr", [FINANCES])
    held = HeldMessage.objects.get()
    listing = StringIO()
    call_command("mail", "list", "held", stdout=listing)
    assert str(held.pk) in listing.getvalue()
    assert "Note de cadrage" in listing.getvalue()
    call_command("mail", "list", "approve", str(held.pk), stdout=StringIO())
    assert reached("Note de cadrage") == ["agent.finances@ville-exemple.fr"]
    with pytest.raises(CommandError):
        call_command("mail", "list", "approve", str(held.pk), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("mail", "list", "refuse", "pas-un-identifiant", stdout=StringIO())


def test_agents_write_to_lists_from_the_webmail(finances_list, conseil, agent_voirie, elu):
    """An agent sends to a list from the webmail like to a mailbox; a members-only list
    refuses a non-member with a clear message, and nothing is sent."""
    from django.test import Client
    from django.urls import reverse

    def send(agent, to: str, subject: str) -> str:
        client = Client()
        client.force_login(agent)
        response = client.post(
            reverse("mail:compose"),
            {"sender": agent.email, "to": to, "subject": subject, "body": "Bonjour."},
            follow=True,
        )
        return response.content.decode()

    send(agent_voirie, FINANCES, "Bons de commande de la voirie")
    assert reached("Bons de commande de la voirie") == [
        "agent.finances@ville-exemple.fr",
        "agent.voirie@ville-exemple.fr",  # his copy in Envoyés
    ]
    page = send(agent_voirie, CONSEIL, "Ordre du jour")
    assert "Vous ne pouvez pas écrire à cette liste." in page
    assert reached("Ordre du jour") == []
    send(elu, CONSEIL, "Ordre du jour du conseil")
    assert "maire@ville-exemple.fr" in reached("Ordre du jour du conseil")


@pytest.mark.django_db(transaction=True)
def test_submission_accepts_a_list_at_rcpt_only_from_who_may_write(
    finances_list, conseil, agent_voirie, protocol_connections
):
    import asyncio

    from aiosmtpd.smtp import Envelope, Session

    from beffroi.mail.protocols.smtp_submission import SubmissionHandler

    async def rcpt(address: str) -> str:
        session = Session(asyncio.get_running_loop())
        session.auth_data = agent_voirie
        envelope = Envelope()
        envelope.mail_from = agent_voirie.email
        handler = SubmissionHandler()
        return await handler.handle_RCPT(None, session, envelope, address, [])  # type: ignore[arg-type]

    async def both() -> tuple[str, str]:
        return await rcpt(FINANCES), await rcpt(CONSEIL)

    to_finances, to_council = asyncio.run(both())
    assert to_finances == "250 2.1.5 OK"
    assert to_council.startswith("550 5.7.1")
