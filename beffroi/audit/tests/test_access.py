"""Who reads which part of the trail: administrators all of it, an agent their own security."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from beffroi.audit.access import (
    AuditFilters,
    access_audit_events,
    access_own_security_events,
    target_names,
)
from beffroi.audit.actions import record
from beffroi.audit.tests.factories import event_at
from beffroi.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(maire, agent_voirie, agent_finances):
    """A morning at the town hall, as the trail tells it."""
    return {
        "voirie_in": record(
            "directory.sign_in", actor=agent_voirie, target=agent_voirie, address="192.0.2.10"
        ),
        "voirie_failed": record(
            "directory.sign_in_failed",
            address="203.0.113.66",
            details={"username": "Agent.Voirie", "channel": "web", "failures": 1},
        ),
        "voirie_token": record(
            "directory.api_token_created", actor=agent_voirie, details={"label": "sauvegarde"}
        ),
        "finances_in": record("directory.sign_in", actor=agent_finances, target=agent_finances),
        "reset_by_maire": record("directory.password_reset", actor=maire, target=agent_finances),
        "maire_in": record("directory.sign_in", actor=maire, target=maire),
        "group": record("directory.group_created", actor=maire, details={"name": "Élus"}),
    }


def test_an_administrator_reads_the_whole_trail_newest_first(maire, story):
    """An administrator reads every event, the newest first."""
    events = list(access_audit_events(maire))
    assert [e.pk for e in events] == sorted((e.pk for e in story.values()), reverse=True)


@pytest.mark.parametrize(
    "persona", ["agent_voirie", "agent_finances", "elu", "invite_externe", "anonyme"]
)
def test_nobody_else_reads_the_trail(persona, request, story):
    """Anyone but an administrator gets the same NotFound as for a missing page."""
    with pytest.raises(NotFound):
        access_audit_events(request.getfixturevalue(persona))


def test_a_department_manager_does_not_read_the_trail(chef_services_techniques, story):
    """Managing a department does not open the trail."""
    with pytest.raises(NotFound):
        access_audit_events(chef_services_techniques)


def test_filtering_by_agent_finds_what_they_did_what_was_done_to_them_and_attempts(maire, story):
    """By username: their sign-ins and tokens, and failed attempts typed with their name."""
    found = set(access_audit_events(maire, AuditFilters(agent="agent.voirie")))
    assert found == {story["voirie_in"], story["voirie_failed"], story["voirie_token"]}
    about_finances = set(access_audit_events(maire, AuditFilters(agent="agent.finances")))
    assert about_finances == {story["finances_in"], story["reset_by_maire"]}


def test_filtering_by_action(maire, story):
    """The action filter keeps only that action."""
    found = set(access_audit_events(maire, AuditFilters(action="directory.sign_in")))
    assert found == {story["voirie_in"], story["finances_in"], story["maire_in"]}


def test_filtering_by_period_takes_whole_local_days(maire, agent_voirie):
    """« Du 3 au 4 mars » includes the whole of the 4th, in Europe/Paris time."""
    paris = timezone.get_current_timezone()
    before = event_at(datetime(2026, 3, 2, 23, 59, tzinfo=paris), actor=agent_voirie)
    first = event_at(datetime(2026, 3, 3, 0, 0, tzinfo=paris), actor=agent_voirie)
    last = event_at(datetime(2026, 3, 4, 23, 59, tzinfo=paris), actor=agent_voirie)
    after = event_at(datetime(2026, 3, 5, 0, 0, tzinfo=paris), actor=agent_voirie)
    found = set(
        access_audit_events(maire, AuditFilters(since=date(2026, 3, 3), until=date(2026, 3, 4)))
    )
    assert found == {first, last}
    assert before not in found
    assert after not in found


def test_an_agent_sees_their_own_security_events(agent_voirie, story):
    """Their sign-in, the failed attempt on their username, the token they made."""
    found = list(access_own_security_events(agent_voirie))
    assert found == [story["voirie_token"], story["voirie_failed"], story["voirie_in"]]


def test_an_agent_sees_what_an_administrator_did_to_their_account(agent_finances, story):
    """A password reset by the mayor shows in the agent's own journal."""
    found = set(access_own_security_events(agent_finances))
    assert found == {story["finances_in"], story["reset_by_maire"]}


def test_an_administrators_journal_is_theirs_not_what_they_did_to_others(maire, story):
    """Resetting someone's password is in the trail, not in the mayor's own security journal."""
    assert list(access_own_security_events(maire)) == [story["maire_in"]]


def test_signed_out_and_suspended_people_see_nothing(anonyme, agent_voirie, story):
    """No journal for someone signed out or suspended."""
    assert not access_own_security_events(anonyme).exists()
    agent_voirie.status = agent_voirie.Status.SUSPENDED
    assert not access_own_security_events(agent_voirie).exists()


def test_targets_are_named_by_username_or_by_their_details(maire, agent_voirie, story):
    """Targets read as a username, or as the name the details give, never as a bare id."""
    events = [story["reset_by_maire"], story["group"], story["voirie_failed"]]
    names = target_names(events)
    assert names[story["reset_by_maire"].id] == "agent.finances"
    assert names[story["group"].id] == ""
    assert names[story["voirie_failed"].id] == ""
    named = record(
        "oidc.client_deleted",
        actor=maire,
        target=agent_voirie,
        details={"name": "Intranet"},
    )
    assert target_names([named])[named.id] == "agent.voirie"


def test_old_and_new_events_mix_in_one_query(maire, agent_voirie):
    """Filtering never depends on how many events there are: a 400-day trail reads the same."""
    for days in range(0, 400, 40):
        event_at(timezone.now() - timedelta(days=400 - days), actor=agent_voirie)
    assert access_audit_events(maire, AuditFilters(agent="agent.voirie")).count() == 10
