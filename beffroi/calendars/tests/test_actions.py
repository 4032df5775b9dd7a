"""Writing calendars and events: revisions, the change log, ETags, UIDs and the audit trail."""

from __future__ import annotations

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.calendars.actions import (
    StaleVersion,
    UidConflict,
    do_create_calendar,
    do_delete_calendar,
    do_delete_event,
    do_ensure_default_calendar,
    do_put_event,
    do_update_calendar,
)
from beffroi.calendars.calendar_data import InvalidCalendarObject
from beffroi.calendars.models import Calendar, Change, Event
from beffroi.calendars.tests.samples import event_text, two_events
from beffroi.core.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(agent_voirie) -> Calendar:
    return do_ensure_default_calendar(agent_voirie)


def test_the_default_agenda_is_created_once_and_audited(agent_voirie):
    """The first look creates "Agenda" in Europe/Paris; the next ones find the same one."""
    first = do_ensure_default_calendar(agent_voirie)
    again = do_ensure_default_calendar(agent_voirie)
    assert first == again
    assert (first.slug, first.name, first.timezone) == ("agenda", "Agenda", "Europe/Paris")
    assert AuditEvent.objects.filter(action="calendars.calendar_created").count() == 1


def test_a_calendar_is_created_and_deleted_with_audit_events(agent_voirie):
    """Creating and deleting a calendar each leave an audit event naming it."""
    calendar = do_create_calendar(
        agent_voirie, slug="astreintes", name="Astreintes", colour="#cc0000"
    )
    assert calendar.owner == agent_voirie
    do_delete_calendar(agent_voirie, calendar)
    assert not Calendar.objects.filter(slug="astreintes").exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="calendars.").values_list("action", flat=True)
    )
    assert actions == ["calendars.calendar_created", "calendars.calendar_deleted"]


def test_a_taken_slug_or_a_bad_colour_is_refused(agent_voirie, agenda):
    """A second "agenda" and a colour that is not #RRGGBB are refused with French reasons."""
    with pytest.raises(InvalidInput) as taken:
        do_create_calendar(agent_voirie, slug="agenda")
    assert taken.value.fields["slug"] == ["Un agenda porte déjà cet identifiant."]
    with pytest.raises(InvalidInput) as colour:
        do_update_calendar(agent_voirie, agenda, colour="rouge")
    assert "couleur" in colour.value.fields["colour"][0]
    assert Calendar.objects.filter(owner=agent_voirie).count() == 1


def test_putting_an_event_bumps_the_revision_and_logs_the_change(agenda, agent_voirie):
    """A new event, then its replacement: two revisions, one change row at the latest."""
    created = do_put_event(agent_voirie, agenda, "conseil.ics", event_text())
    replaced = do_put_event(
        agent_voirie,
        agenda,
        "conseil.ics",
        event_text(summary="Conseil municipal (reporté)"),
        if_match=created.event.etag,
    )
    assert created.created
    assert not replaced.created
    assert replaced.event.etag != created.event.etag
    agenda.refresh_from_db()
    assert agenda.revision == 2
    change = Change.objects.get(calendar=agenda)
    assert (change.name, change.revision, change.deleted) == ("conseil.ics", 2, False)
    assert "reporté" in Event.objects.get(calendar=agenda).data


def test_a_stale_etag_changes_nothing(agenda, agent_voirie):
    """If-Match with an old ETag, or If-None-Match on a taken name, is refused."""
    first = do_put_event(agent_voirie, agenda, "conseil.ics", event_text())
    do_put_event(agent_voirie, agenda, "conseil.ics", event_text(summary="Deuxième version"))
    with pytest.raises(StaleVersion):
        do_put_event(
            agent_voirie,
            agenda,
            "conseil.ics",
            event_text(summary="Perdu"),
            if_match=first.event.etag,
        )
    with pytest.raises(StaleVersion):
        do_put_event(agent_voirie, agenda, "conseil.ics", event_text(), if_none_match=True)
    assert "Deuxième version" in Event.objects.get(calendar=agenda).data
    agenda.refresh_from_db()
    assert agenda.revision == 2


def test_a_uid_already_used_under_another_name_is_refused(agenda, agent_voirie):
    """Two resources of one calendar never share a UID (RFC 4791 no-uid-conflict)."""
    do_put_event(agent_voirie, agenda, "conseil.ics", event_text())
    with pytest.raises(UidConflict):
        do_put_event(agent_voirie, agenda, "copie.ics", event_text())
    assert list(Event.objects.values_list("name", flat=True)) == ["conseil.ics"]


def test_invalid_icalendar_stores_nothing(agenda, agent_voirie):
    """Bad input leaves the calendar and its revision untouched."""
    for text in (
        "pas un calendrier",
        two_events("a", "b"),
        event_text(calendar_extra=("METHOD:PUBLISH",)),
    ):
        with pytest.raises(InvalidCalendarObject):
            do_put_event(agent_voirie, agenda, "x.ics", text)
    agenda.refresh_from_db()
    assert agenda.revision == 0
    assert not Event.objects.exists()
    assert not Change.objects.exists()


def test_deleting_an_event_is_logged_as_a_deletion(agenda, agent_voirie):
    """After a delete, the change log says the name is gone, at a new revision."""
    do_put_event(agent_voirie, agenda, "conseil.ics", event_text())
    do_delete_event(agent_voirie, agenda, "conseil.ics")
    change = Change.objects.get(calendar=agenda, name="conseil.ics")
    assert change.deleted
    assert change.revision == 2
    assert not Event.objects.exists()


def test_only_the_owner_writes_to_a_calendar(agenda, agent_finances, maire):
    """Another agent, even the mayor, may not write or delete in someone's agenda."""
    for other in (agent_finances, maire):
        with pytest.raises(NotAllowed):
            do_put_event(other, agenda, "intrus.ics", event_text())
        with pytest.raises(NotAllowed):
            do_delete_calendar(other, agenda)
    assert Calendar.objects.filter(pk=agenda.pk).exists()
    assert not Event.objects.exists()
