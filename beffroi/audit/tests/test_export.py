"""The trail as CSV for Excel: BOM, semicolons, Paris time, and no formula injection."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from beffroi.audit.actions import record
from beffroi.audit.tests.factories import event_at

pytestmark = pytest.mark.django_db

EXPORT = "/console/audit/export.csv"


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_export_is_a_semicolon_csv_with_a_bom_in_paris_time(client, maire, agent_voirie):
    """A winter event at 09:30 UTC reads 10:30, a summer one at 09:30 UTC reads 11:30."""
    event_at(
        datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        actor=agent_voirie,
        target=agent_voirie,
        address="192.0.2.10",
        details={"channel": "web"},
    )
    event_at(
        datetime(2026, 7, 15, 9, 30, tzinfo=UTC),
        "directory.password_reset",
        actor=maire,
        target=agent_voirie,
    )
    client.force_login(maire)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-audit-')
    rows = _rows(response)
    assert rows[0] == ["date (Europe/Paris)", "auteur", "adresse", "action", "cible", "détails"]
    assert rows[1] == [
        "2026-01-15 10:30:00",
        "agent.voirie",
        "192.0.2.10",
        "Connexion",
        "agent.voirie",
        '{"channel": "web"}',
    ]
    assert rows[2][:5] == [
        "2026-07-15 11:30:00",
        "maire",
        "192.0.2.1",
        "Mot de passe réinitialisé par un administrateur",
        "agent.voirie",
    ]


def test_the_export_follows_the_filter(client, maire, agent_voirie, agent_finances):
    """The export holds the events the page's filter selects."""
    record("directory.sign_in", actor=agent_voirie, target=agent_voirie)
    record("directory.sign_in", actor=agent_finances, target=agent_finances)
    client.force_login(maire)
    rows = _rows(client.get(EXPORT, {"agent": "agent.finances"}))
    assert [row[1] for row in rows[1:]] == ["agent.finances"]


def test_what_an_attacker_typed_cannot_become_a_formula(client, maire):
    """A username starting with = is exported as text, not run by the spreadsheet."""
    record(
        "directory.sign_in_failed",
        address="203.0.113.66",
        details={"username": '=HYPERLINK("http://exemple.invalid")'},
    )
    record("directory.group_created", actor=maire, details={"name": "-2+3"})
    client.force_login(maire)
    rows = _rows(client.get(EXPORT))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_a_long_trail_streams_in_batches(client, maire, agent_voirie):
    """More events than one batch: every one is there, oldest first."""
    for number in range(1005):
        record("directory.sign_in", actor=agent_voirie, details={"n": number})
    client.force_login(maire)
    rows = _rows(client.get(EXPORT))
    assert len(rows) == 1 + 1005
    assert rows[1][5] == '{"n": 0}'
    assert rows[-1][5] == '{"n": 1004}'
