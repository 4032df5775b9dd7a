"""``beffroi mail queue``: list (table and JSON), retry (one or all, due now), delete (no
bounce, an audit event)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.mail.actions import do_submit
from beffroi.mail.models import Message, QueuedMessage
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db

SENDER = "agent.voirie@ville-exemple.fr"


@pytest.fixture
def queued(domain, agent_voirie, settings) -> list[QueuedMessage]:
    settings.MAIL_DNS_RESOLVERS = []  # nothing can leave: the messages stay queued
    found = []
    for to in ("a@exterieur.example", "b@ailleurs.example"):
        item = do_submit(message(sender=SENDER, to=to), SENDER, [], [to], agent=agent_voirie)
        assert item is not None
        found.append(item)
    QueuedMessage.objects.filter(pk=found[0].pk).update(
        attempts=3, last_error="a@exterieur.example: 451 4.3.0 try again later",
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    return found


def run(*args: str, capsys) -> str:
    capsys.readouterr()
    call_command("mail", "queue", *args)
    return capsys.readouterr().out


def test_list_as_json(queued, capsys):
    rows = json.loads(run("list", "--json", capsys=capsys))
    assert [row["id"] for row in rows] == [str(queued[1].pk), str(queued[0].pk)]
    later = rows[1]
    assert later["sender"] == SENDER
    assert later["recipients"] == [
        {"address": "a@exterieur.example", "state": "pending", "last_error": ""}
    ]
    assert later["attempts"] == 3
    assert "451 4.3.0" in later["last_error"]


def test_list_as_a_table(queued, capsys):
    out = run("list", capsys=capsys)
    assert str(queued[0].pk) in out
    assert str(queued[1].pk) in out
    assert "a@exterieur.example  pending" in out
    assert "3 tentative(s)" in out
    assert "2 message(s) en attente." in out


def test_an_empty_queue_says_so(db, capsys):
    assert "La file d'attente est vide." in run("list", capsys=capsys)


def test_retry_one_or_all_makes_them_due_now(queued, capsys):
    assert "1 message(s)" in run("retry", str(queued[0].pk), capsys=capsys)
    queued[0].refresh_from_db()
    assert queued[0].next_attempt_at <= timezone.now()
    QueuedMessage.objects.update(next_attempt_at=timezone.now() + timedelta(hours=2))
    assert "2 message(s)" in run("retry", "--all", capsys=capsys)
    assert not QueuedMessage.objects.filter(next_attempt_at__gt=timezone.now()).exists()


def test_delete_removes_without_bounce_and_is_audited(queued, capsys, agent_voirie):
    run("delete", str(queued[0].pk), capsys=capsys)
    assert list(QueuedMessage.objects.all()) == [queued[1]]
    event = AuditEvent.objects.get(action="mail.queued_message_deleted")
    assert event.target_id == str(queued[0].pk)
    assert event.details["pending"] == ["a@exterieur.example"]
    assert not Message.objects.filter(envelope_sender="").exists()


@pytest.mark.parametrize("action", ["retry", "delete"])
def test_unknown_or_malformed_ids_are_refused(queued, action):
    with pytest.raises(CommandError, match="aucun message"):
        call_command("mail", "queue", action, str(uuid.uuid4()))
    with pytest.raises(CommandError, match="identifiant invalide"):
        call_command("mail", "queue", action, "pas-un-id")
