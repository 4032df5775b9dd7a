"""The audit trail is a hash chain: any edit or deletion in the database is detected."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from beffroi.audit.actions import record
from beffroi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events(agent) -> list[AuditEvent]:
    return [
        record(
            "directory.sign_in",
            actor=agent,
            target=agent,
            address="192.0.2.1",
            details={"channel": "web"},
        ),
        record("directory.api_token_created", actor=agent, details={"label": "sauvegarde"}),
        record("directory.sign_in", actor=agent, target=agent, address="192.0.2.1"),
    ]


def test_an_untouched_chain_verifies(agent_voirie, capsys):
    """Each event links to the previous one and `audit verify` says so."""
    events = _three_events(agent_voirie)
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    call_command("audit", "verify")
    assert "Chaîne d'audit intacte" in capsys.readouterr().out


def test_an_edited_row_is_named(agent_voirie):
    """Changing one event's details in the database breaks the chain at that very event."""
    events = _three_events(agent_voirie)
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET address = %s WHERE id = %s",  # noqa: S608
            ["203.0.113.9", events[1].id],
        )
    with pytest.raises(CommandError, match=rf"l'événement n° {events[1].id} : le contenu"):
        call_command("audit", "verify")


def test_a_deleted_row_is_named(agent_voirie):
    """Removing an event breaks the link of the one after it."""
    events = _three_events(agent_voirie)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    with pytest.raises(CommandError, match=rf"l'événement n° {events[2].id} : le lien"):
        call_command("audit", "verify")


def test_control_characters_in_details_are_kept_visibly(agent_voirie):
    """A NUL typed by an attacker is stored as U+FFFD (PostgreSQL's JSON refuses NUL)."""
    event = record("directory.sign_in_failed", details={"username": "admin\x00--"})
    event.refresh_from_db()
    assert event.details == {"username": "admin\ufffd--"}
    call_command("audit", "verify")
