"""The out-of-office reply (RFC 3834): once per sender per period, never to lists, robots or
automatic mail, sent through the normal submission path, and no loop between two of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.mail.actions import do_create_shared_mailbox, do_deliver, do_grant_delegation
from beffroi.mail.actions.rules import OutOfOfficeForm, do_set_out_of_office
from beffroi.mail.index import parse
from beffroi.mail.models import AutoReplySent, Mailbox, Message, QueuedMessage
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db

VOIRIE = "agent.voirie@ville-exemple.fr"
ELU = "elu@ville-exemple.fr"
OUTSIDE = "habitant@exterieur.example"


def away(agent, **changes) -> None:
    form = OutOfOfficeForm(
        **{
            "enabled": True,
            "subject": "Absent jusqu'au 15 décembre",
            "text": "Je suis en congés. Pour une urgence : voirie@ville-exemple.fr.",
            **changes,
        }
    )
    do_set_out_of_office(Mailbox.objects.get(owner=agent), form, acting=agent)


def inbox_of(address: str) -> list[Message]:
    return list(
        Message.objects.filter(folder__mailbox__address=address, folder__special_use="inbox")
    )


def test_an_outside_sender_gets_one_reply_per_period(domain, agent_voirie):
    """Two messages from the same person: one reply, queued for outside with a null envelope
    sender, answering the first message."""
    away(agent_voirie)
    first = message(sender=OUTSIDE, to=VOIRIE, headers="Message-ID: <q1@exterieur.example>\r\n")
    do_deliver(first, OUTSIDE, [VOIRIE])
    do_deliver(message(sender=OUTSIDE, to=VOIRIE), OUTSIDE, [VOIRIE])
    [queued] = QueuedMessage.objects.all()
    assert queued.envelope_sender == ""
    assert queued.recipients == [OUTSIDE]
    reply = parse(read_raw(queued.blob_id))
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["In-Reply-To"] == "<q1@exterieur.example>"
    assert "<q1@exterieur.example>" in reply["References"]
    assert reply["To"] == OUTSIDE
    assert reply["Subject"] == "Absent jusqu'au 15 décembre"
    assert AutoReplySent.objects.get().sender == OUTSIDE


def test_after_the_period_the_sender_is_answered_again(domain, agent_voirie, agent_finances):
    """Past the period (4 days by default), a new message gets a new reply."""
    away(agent_voirie)
    sender = "agent.finances@ville-exemple.fr"
    do_deliver(message(sender=sender, to=VOIRIE), sender, [VOIRIE])
    AutoReplySent.objects.update(sent_at=timezone.now() - timedelta(days=5))
    do_deliver(message(sender=sender, to=VOIRIE), sender, [VOIRIE])
    replies = [m for m in inbox_of(sender) if m.subject.startswith("Absent")]
    assert len(replies) == 2


@pytest.mark.parametrize(
    ("envelope_sender", "headers", "to"),
    [
        ("", "", VOIRIE),
        (OUTSIDE, "Auto-Submitted: auto-generated\r\n", VOIRIE),
        (OUTSIDE, "Precedence: bulk\r\n", VOIRIE),
        (OUTSIDE, "Precedence: list\r\n", VOIRIE),
        (OUTSIDE, "List-Id: <conseil.exterieur.example>\r\n", VOIRIE),
        (OUTSIDE, "List-Unsubscribe: <mailto:x@exterieur.example>\r\n", VOIRIE),
        ("mailer-daemon@exterieur.example", "", VOIRIE),
        ("noreply@impots.example", "", VOIRIE),
        ("ne-pas-repondre@caf.example", "", VOIRIE),
        ("owner-liste@exterieur.example", "", VOIRIE),
        (OUTSIDE, "", "tout-le-monde@exterieur.example"),
    ],
    ids=[
        "null-sender",
        "auto-submitted",
        "bulk",
        "list-precedence",
        "list-id",
        "list-unsubscribe",
        "mailer-daemon",
        "noreply",
        "ne-pas-repondre",
        "list-owner",
        "not-in-to-or-cc",
    ],
)
def test_never_answered(domain, agent_voirie, envelope_sender, headers, to):
    """Automatic mail, lists, robots and messages not addressed to the mailbox by name get
    no reply (the message itself is delivered)."""
    away(agent_voirie)
    do_deliver(message(sender=OUTSIDE, to=to, headers=headers), envelope_sender, [VOIRIE])
    assert len(inbox_of(VOIRIE)) == 1
    assert not QueuedMessage.objects.exists()
    assert not AutoReplySent.objects.exists()


def test_a_copy_in_cc_is_answered(domain, agent_voirie):
    """The mailbox in Cc (not To) is still written to by name."""
    away(agent_voirie)
    raw = message(sender=OUTSIDE, to="autre@exterieur.example", headers=f"Cc: <{VOIRIE}>\r\n")
    do_deliver(raw, OUTSIDE, [VOIRIE])
    assert QueuedMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("starts", "ends", "answered"),
    [(-1, 1, True), (1, 5, False), (-5, -1, False), (None, None, True)],
    ids=["within", "not-yet", "over", "no-dates"],
)
def test_the_dates_bound_the_replies(domain, agent_voirie, starts, ends, answered):
    """Replies only between the first and the last day (included)."""
    today = timezone.localdate()
    away(
        agent_voirie,
        starts_on=None if starts is None else today + timedelta(days=starts),
        ends_on=None if ends is None else today + timedelta(days=ends),
    )
    do_deliver(message(sender=OUTSIDE, to=VOIRIE), OUTSIDE, [VOIRIE])
    assert QueuedMessage.objects.exists() is answered


def test_a_disabled_reply_sends_nothing(domain, agent_voirie):
    away(agent_voirie, enabled=False)
    do_deliver(message(sender=OUTSIDE, to=VOIRIE), OUTSIDE, [VOIRIE])
    assert not QueuedMessage.objects.exists()


def test_two_local_auto_responders_answer_once_each(domain, agent_voirie, elu):
    """The vacation loop: both away, each writes to the other once. Each gets exactly one
    reply; the replies (Auto-Submitted, null sender) are never answered, and writing again
    within the period gives nothing more."""
    away(agent_voirie)
    away(elu, subject="Absent (élu)")
    do_deliver(message(sender=ELU, to=VOIRIE, subject="Travaux rue Haute"), ELU, [VOIRIE])
    do_deliver(message(sender=VOIRIE, to=ELU, subject="Réponse travaux"), VOIRIE, [ELU])
    do_deliver(message(sender=ELU, to=VOIRIE, subject="Relance"), ELU, [VOIRIE])
    to_voirie = [m.subject for m in inbox_of(VOIRIE)]
    to_elu = [m.subject for m in inbox_of(ELU)]
    assert sorted(to_voirie) == sorted(["Travaux rue Haute", "Absent (élu)", "Relance"])
    assert sorted(to_elu) == sorted(["Absent jusqu'au 15 décembre", "Réponse travaux"])
    assert Message.objects.count() == 5


def test_a_naive_responder_is_answered_once_per_period(domain, agent_voirie):
    """An outside responder that ignores RFC 3834 (no Auto-Submitted): the period still bounds
    our side to one reply, however many times it writes."""
    away(agent_voirie)
    for _ in range(5):
        do_deliver(message(sender=OUTSIDE, to=VOIRIE, subject="Je suis absent"), OUTSIDE, [VOIRIE])
    assert QueuedMessage.objects.count() == 1


def test_a_send_as_delegate_sets_the_shared_mailbox_reply(domain, agent_voirie, elu, maire):
    """On urbanisme@, a delegate who may send as it sets its reply; a reader only may not."""
    shared = do_create_shared_mailbox("urbanisme@ville-exemple.fr", "Urbanisme", acting=maire)
    do_grant_delegation(shared, agent_voirie, read=True, send_as=True, acting=maire)
    do_grant_delegation(shared, elu, read=True, acting=maire)
    form = OutOfOfficeForm(enabled=True, subject="Service fermé", text="Réouverture lundi.")
    do_set_out_of_office(shared, form, acting=agent_voirie)
    with pytest.raises(NotFound):
        do_set_out_of_office(shared, form, acting=elu)
    do_deliver(message(sender=OUTSIDE, to="urbanisme@ville-exemple.fr"), OUTSIDE, [shared.address])
    reply = parse(read_raw(QueuedMessage.objects.get().blob_id))
    assert "urbanisme@ville-exemple.fr" in reply["From"]


def test_bad_settings_are_refused(domain, agent_voirie):
    """No subject, an end before the start, an absurd period: refused, nothing saved."""
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    with pytest.raises(InvalidInput) as refused:
        do_set_out_of_office(
            mailbox,
            OutOfOfficeForm(
                enabled=True,
                subject="",
                text="",
                starts_on=date(2026, 12, 10),
                ends_on=date(2026, 12, 1),
                period_days=90,
            ),
            acting=agent_voirie,
        )
    assert set(refused.value.fields) == {"subject", "text", "ends_on", "period_days"}
    assert not mailbox.__class__.objects.filter(out_of_office__isnull=False).exists()


def test_a_subject_cannot_inject_headers(domain, agent_voirie):
    """A line break in the subject is folded into spaces: no header of the sender's choosing."""
    away(agent_voirie, subject="Absent\r\nBcc: tout-le-monde@exterieur.example")
    do_deliver(message(sender=OUTSIDE, to=VOIRIE), OUTSIDE, [VOIRIE])
    reply = parse(read_raw(QueuedMessage.objects.get().blob_id))
    assert reply["Bcc"] is None
    assert reply["Subject"] == "Absent Bcc: tout-le-monde@exterieur.example"
