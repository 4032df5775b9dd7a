"""A mailbox's rules at delivery: file into a folder, mark read, stop, in their order;
redirects with a Delivered-To trace, loops refused, SRS for outside senders and the bounce
path back through it."""

from __future__ import annotations

import pytest

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.mail import srs
from beffroi.mail.actions import do_deliver
from beffroi.mail.actions.inbound import do_receive
from beffroi.mail.actions.rules import RuleForm, do_add_rule, do_delete_rule, do_move_rule
from beffroi.mail.index import parse
from beffroi.mail.models import DeliveryRule, Folder, Mailbox, Message, QueuedMessage
from beffroi.mail.protocols.smtp_inbound import recipient_check
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db

VOIRIE = "agent.voirie@ville-exemple.fr"
ELU = "elu@ville-exemple.fr"
OUTSIDE = "habitant@exterieur.example"


def mailbox_of(agent) -> Mailbox:
    return Mailbox.objects.get(owner=agent)


def folder(agent, name: str) -> Folder:
    return Folder.objects.get_or_create(mailbox=mailbox_of(agent), name=name)[0]


def rule(agent, **fields) -> DeliveryRule:
    return do_add_rule(mailbox_of(agent), RuleForm(**fields), acting=agent)


def where(subject: str) -> list[tuple[str, str, bool]]:
    return [
        (m.folder.mailbox.address, m.folder.name, m.seen)
        for m in Message.objects.filter(subject=subject).select_related("folder__mailbox")
    ]


def test_a_matching_rule_files_and_marks_read(domain, agent_voirie):
    """From contains, subject contains: into the chosen folder, read."""
    chantiers = folder(agent_voirie, "Chantiers")
    rule(
        agent_voirie,
        name="Chantiers",
        from_contains="exterieur.example",
        subject_contains="chantier",
        folder=chantiers,
        mark_read=True,
    )
    do_deliver(message(subject="Chantier rue Haute"), OUTSIDE, [VOIRIE])
    do_deliver(message(subject="Autre sujet"), OUTSIDE, [VOIRIE])
    assert where("Chantier rue Haute") == [(VOIRIE, "Chantiers", True)]
    assert where("Autre sujet") == [(VOIRIE, "INBOX", False)]


def test_the_list_id_condition(domain, agent_voirie):
    """A rule on List-Id files the list's messages."""
    listes = folder(agent_voirie, "Listes")
    rule(agent_voirie, name="AMF", list_id="amf.example", folder=listes)
    do_deliver(
        message(subject="Lettre AMF", headers="List-Id: Lettre <lettre.amf.example>\r\n"),
        OUTSIDE,
        [VOIRIE],
    )
    assert where("Lettre AMF") == [(VOIRIE, "Listes", False)]


def test_rules_apply_in_order_and_stop_ends_them(domain, agent_voirie):
    """The first folder wins; a rule with stop keeps the later ones from acting."""
    first, second = folder(agent_voirie, "Premier"), folder(agent_voirie, "Second")
    rule(agent_voirie, name="A", subject_contains="budget", folder=first, stop=True)
    rule(agent_voirie, name="B", subject_contains="budget", folder=second, mark_read=True)
    do_deliver(message(subject="Budget 2027"), OUTSIDE, [VOIRIE])
    assert where("Budget 2027") == [(VOIRIE, "Premier", False)]
    b = DeliveryRule.objects.get(name="B")
    do_move_rule(b, -1, acting=agent_voirie)
    assert list(DeliveryRule.objects.order_by("position").values_list("name", flat=True)) == [
        "B",
        "A",
    ]
    do_deliver(message(subject="Budget 2028"), OUTSIDE, [VOIRIE])
    assert where("Budget 2028") == [(VOIRIE, "Second", True)]
    do_delete_rule(b, acting=agent_voirie)
    assert list(DeliveryRule.objects.values_list("name", flat=True)) == ["A"]


def test_rules_are_the_holders_alone(domain, agent_voirie, elu):
    """Another agent cannot add, move or delete the mailbox's rules (not found)."""
    with pytest.raises(NotFound):
        do_add_rule(
            mailbox_of(agent_voirie),
            RuleForm(name="x", subject_contains="x", stop=True),
            acting=elu,
        )
    mine = rule(agent_voirie, name="x", subject_contains="x", stop=True)
    with pytest.raises(NotFound):
        do_delete_rule(mine, acting=elu)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"name": "vide", "stop": True}, "conditions"),
        ({"name": "rien", "subject_contains": "x"}, "actions"),
        ({"name": "x", "subject_contains": "x", "redirect_to": "pas une adresse"}, "redirect_to"),
        ({"name": "x", "subject_contains": "x", "redirect_to": VOIRIE}, "redirect_to"),
    ],
    ids=["no-condition", "no-action", "bad-address", "to-itself"],
)
def test_bad_rules_are_refused(domain, agent_voirie, fields, problem):
    with pytest.raises(InvalidInput) as refused:
        rule(agent_voirie, **fields)
    assert problem in refused.value.fields
    assert not DeliveryRule.objects.exists()


def test_a_redirect_to_a_local_address_keeps_a_copy(domain, agent_voirie, elu):
    """The redirected copy carries Delivered-To: of the mailbox that redirected it."""
    rule(agent_voirie, name="Vers l'élu", subject_contains="travaux", redirect_to=ELU)
    do_deliver(message(subject="Travaux école"), OUTSIDE, [VOIRIE])
    [kept, redirected] = sorted(
        Message.objects.filter(subject="Travaux école").select_related("folder__mailbox"),
        key=lambda m: m.folder.mailbox.address,
    )
    assert kept.folder.mailbox.address == VOIRIE
    assert redirected.folder.mailbox.address == ELU
    assert parse(read_raw(redirected.blob_id))["Delivered-To"] == VOIRIE


def test_a_redirect_loop_stops(domain, agent_voirie, elu):
    """Each redirects to the other: one copy each, then the loop is refused (the second
    mailbox sees the first in Delivered-To)."""
    rule(agent_voirie, name="A", subject_contains="boucle", redirect_to=ELU)
    rule(elu, name="B", subject_contains="boucle", redirect_to=VOIRIE)
    do_deliver(message(subject="Une boucle"), OUTSIDE, [VOIRIE])
    assert sorted(address for address, _f, _s in where("Une boucle")) == sorted([ELU, VOIRIE])


def test_an_outside_sender_is_rewritten_with_srs(domain, agent_voirie):
    """Redirected outside, an outside sender's mail leaves with an SRS envelope sender of our
    domain, which reverses to the original sender."""
    rule(agent_voirie, name="Dehors", subject_contains="dossier", redirect_to="moi@perso.example")
    do_deliver(message(subject="Dossier 12"), OUTSIDE, [VOIRIE])
    [queued] = QueuedMessage.objects.all()
    assert queued.recipients == ["moi@perso.example"]
    assert queued.envelope_sender.startswith("SRS0=")
    assert queued.envelope_sender.endswith("@ville-exemple.fr")
    assert srs.reverse(queued.envelope_sender) == OUTSIDE
    assert parse(read_raw(queued.blob_id))["Delivered-To"] == VOIRIE


def test_a_local_sender_is_not_rewritten(domain, agent_voirie, elu):
    """Mail from one of our agents keeps its envelope sender: our SPF covers it."""
    rule(agent_voirie, name="Dehors", subject_contains="note", redirect_to="moi@perso.example")
    do_deliver(message(sender=ELU, subject="Note interne"), ELU, [VOIRIE])
    assert QueuedMessage.objects.get().envelope_sender == ELU


def test_srs_addresses_are_checked(domain, settings):
    """A valid SRS address of ours is accepted at RCPT; a forged hash, another secret, an
    expired date or garbage are refused."""
    address = srs.forward(OUTSIDE, "ville-exemple.fr")
    assert recipient_check(address) is None
    assert recipient_check(address.upper()) is None  # servers may change the case
    local, _at, our = address.partition("@")
    parts = local.split("=")
    forged = "=".join([parts[0], "aaaaaa", *parts[2:]]) + "@" + our
    assert recipient_check(forged).startswith("550 5.1.1")
    old = srs.forward(OUTSIDE, "ville-exemple.fr", now=0)
    assert srs.reverse(old) is None
    assert srs.reverse("SRS0=x@ville-exemple.fr") is None
    settings.SECRET_KEY = "une autre clé secrète pour ce test uniquement"
    assert srs.reverse(address) is None


def test_a_bounce_to_an_srs_address_goes_back_to_the_sender(domain):
    """The bounce of a redirected message is queued to the original sender, null sender."""
    address = srs.forward(OUTSIDE, "ville-exemple.fr")
    bounce = message(sender="MAILER-DAEMON@perso.example", to=address, subject="Undelivered")
    do_receive(bounce, "", [address], special_use="inbox")
    [queued] = QueuedMessage.objects.all()
    assert (queued.envelope_sender, queued.recipients) == ("", [OUTSIDE])
