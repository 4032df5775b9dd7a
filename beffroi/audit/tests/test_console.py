"""The audit console (administrators) and an agent's own security journal, as pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from beffroi.audit.actions import record
from beffroi.audit.labels import ACTIONS, SECURITY_ACTIONS, label_of

pytestmark = pytest.mark.django_db

TRAIL = "/console/audit/"
OWN = "/profil/securite/journal/"
PACKAGE = Path(__file__).resolve().parents[2]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_administrator_browses_the_trail_in_french(client, maire, agent_voirie):
    """The console lists events with their French labels, authors, addresses and targets."""
    record("directory.sign_in", actor=agent_voirie, target=agent_voirie, address="192.0.2.10")
    record("directory.password_reset", actor=maire, target=agent_voirie)
    client.force_login(maire)
    response = client.get(TRAIL)
    assert response.status_code == 200
    text = _text(response)
    assert "Connexion" in text
    assert "Mot de passe réinitialisé par un administrateur" in text
    assert "192.0.2.10" in text
    assert "agent.voirie" in text


def test_the_filter_narrows_the_page(client, maire, agent_voirie, agent_finances):
    """Filtering by agent and action narrows the page and its count."""
    record("directory.sign_in", actor=agent_voirie, target=agent_voirie, address="192.0.2.10")
    record("directory.sign_in", actor=agent_finances, target=agent_finances, address="192.0.2.20")
    client.force_login(maire)
    response = client.get(TRAIL, {"agent": "agent.finances", "action": "directory.sign_in"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    assert "192.0.2.20" in _text(response)
    assert "192.0.2.10" not in _text(response)


def test_a_period_that_ends_before_it_starts_is_explained(client, maire):
    """An inverted period is explained next to the field."""
    client.force_login(maire)
    response = client.get(TRAIL, {"since": "2026-03-04", "until": "2026-03-01"})
    assert response.status_code == 200
    assert "La fin de la période précède son début." in _text(response)


def test_the_trail_is_paginated_keeping_the_filter(client, maire, agent_voirie):
    """Fifty events a page; the next page keeps the filter."""
    for _ in range(55):
        record("directory.sign_in", actor=agent_voirie, target=agent_voirie)
    client.force_login(maire)
    first = client.get(TRAIL, {"action": "directory.sign_in"})
    assert len(first.context["rows"]) == 50
    assert "action=directory.sign_in&amp;page=2" in first.content.decode()
    second = client.get(TRAIL, {"action": "directory.sign_in", "page": 2})
    assert len(second.context["rows"]) == 5


@pytest.mark.parametrize(
    "persona", ["agent_voirie", "elu", "invite_externe", "chef_services_techniques"]
)
def test_the_trail_is_the_ordinary_404_for_anyone_else(client, persona, request):
    """The trail and its export answer 404 to anyone but an administrator."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get(TRAIL).status_code == 404
    assert client.get(f"{TRAIL}export.csv").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    """Signed out, every audit page sends to the sign-in page."""
    for path in (TRAIL, f"{TRAIL}export.csv", OWN):
        response = client.get(path)
        assert response.status_code == 302
        assert "next=" in response["Location"]


def test_an_agent_reads_their_own_security_journal(client, agent_voirie, agent_finances):
    """An agent's journal shows their sign-in and the failed attempt on their username, not
    a colleague's."""
    record("directory.sign_in", actor=agent_voirie, target=agent_voirie, address="192.0.2.10")
    record(
        "directory.sign_in_failed",
        address="203.0.113.66",
        details={"username": "agent.voirie", "channel": "web", "failures": 1},
    )
    record("directory.sign_in", actor=agent_finances, target=agent_finances, address="192.0.2.20")
    client.force_login(agent_voirie)
    response = client.get(OWN)
    assert response.status_code == 200
    text = _text(response)
    assert "Échec de connexion" in text
    assert "203.0.113.66" in text
    assert "identifiant saisi : agent.voirie" in text
    assert "192.0.2.20" not in text
    assert response.context["page"].paginator.count == 2


def test_every_recorded_action_has_a_french_label():
    """Each action code passed to `record()` in Beffroi has its line in labels.py."""
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
    )
    recorded = set(re.findall(r"record\(\s*\"([a-z_]+(?:\.[a-z_]+)+)\"", source))
    assert recorded, "the scan finds the actions"
    assert sorted(recorded - set(ACTIONS)) == []
    assert "directory.sign_in" in SECURITY_ACTIONS
    assert label_of("inconnu.action") == "inconnu.action"
