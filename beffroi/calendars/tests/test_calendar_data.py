"""What counts as a calendar object: one kind of component, one UID, no METHOD, known zones,
1 MB at most; and the UTC span kept to index time-range queries."""

from __future__ import annotations

import datetime as dt

import pytest

from beffroi.calendars.calendar_data import (
    InvalidCalendarObject,
    overlaps,
    parse_calendar_object,
)
from beffroi.calendars.tests.samples import event_text, two_events

UTC = dt.UTC


def _refusal(data: str | bytes) -> InvalidCalendarObject:
    with pytest.raises(InvalidCalendarObject) as refused:
        parse_calendar_object(data, timezone="Europe/Paris")
    return refused.value


def test_an_event_is_read_with_its_uid_and_utc_span():
    """A Paris evening meeting in December is indexed one hour earlier in UTC."""
    parsed = parse_calendar_object(event_text(), timezone="Europe/Paris")
    assert parsed.uid == "conseil-2026-12-01"
    assert parsed.component == "VEVENT"
    assert parsed.starts_at == dt.datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert parsed.ends_at == dt.datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert not parsed.recurring
    assert parsed.etag.startswith('"')
    assert parsed.etag.endswith('"')


def test_a_rule_without_end_is_indexed_as_open_ended():
    """A weekly meeting with no UNTIL or COUNT is a candidate for every later range."""
    parsed = parse_calendar_object(
        event_text(extra=("RRULE:FREQ=WEEKLY",)), timezone="Europe/Paris"
    )
    assert parsed.recurring
    assert parsed.ends_at is None


def test_all_day_events_are_placed_in_the_calendar_time_zone():
    """An all-day event on 14 July starts at midnight in Paris, 22:00 UTC the day before."""
    text = (
        event_text()
        .replace("DTSTART;TZID=Europe/Paris:20261201T183000", "DTSTART;VALUE=DATE:20260714")
        .replace("DTEND;TZID=Europe/Paris:20261201T210000", "DTEND;VALUE=DATE:20260715")
    )
    parsed = parse_calendar_object(text, timezone="Europe/Paris")
    assert parsed.starts_at == dt.datetime(2026, 7, 13, 22, 0, tzinfo=UTC)
    assert parsed.ends_at == dt.datetime(2026, 7, 14, 22, 0, tzinfo=UTC)


def test_text_that_is_not_icalendar_is_refused():
    """A plain sentence is refused as invalid calendar data, in French."""
    refusal = _refusal("Réunion demain à 10 h")
    assert refusal.precondition == "valid-calendar-data"
    assert "n'est pas un calendrier iCalendar valide" in refusal.message


def test_two_uids_in_one_object_are_refused():
    """Two different events in one resource break RFC 4791 §4.1."""
    refusal = _refusal(two_events("un", "deux"))
    assert refusal.precondition == "valid-calendar-object-resource"
    assert "un seul UID" in refusal.message


def test_an_event_without_uid_is_refused():
    """A VEVENT without UID is refused."""
    refusal = _refusal(event_text().replace("UID:conseil-2026-12-01\r\n", ""))
    assert refusal.precondition == "valid-calendar-object-resource"
    assert "identifiant (UID)" in refusal.message


def test_a_method_property_is_refused():
    """An iTIP message (METHOD:REQUEST) is not a stored calendar object."""
    refusal = _refusal(event_text(calendar_extra=("METHOD:REQUEST",)))
    assert refusal.precondition == "valid-calendar-object-resource"
    assert "METHOD" in refusal.message


def test_an_object_over_one_megabyte_is_refused():
    """A 2 MB description is refused before it is even parsed."""
    refusal = _refusal(event_text(extra=("DESCRIPTION:" + "x" * 2_000_000,)))
    assert refusal.precondition == "max-resource-size"
    assert "1 Mo" in refusal.message


def test_an_unknown_time_zone_is_refused():
    """A TZID neither defined in the object nor in the time-zone database is refused."""
    refusal = _refusal(event_text(tzid="Mars/Olympus_Mons"))
    assert refusal.precondition == "valid-calendar-data"
    assert "Mars/Olympus_Mons" in refusal.message


def test_an_unsupported_component_is_refused():
    """A VJOURNAL does not belong in an agenda here."""
    text = event_text().replace("VEVENT", "VJOURNAL")
    assert _refusal(text).precondition == "supported-calendar-component"


def test_weekly_occurrences_decide_whether_a_range_matches():
    """Monday meetings match a range holding a Monday and not a Tuesday-to-Sunday range."""
    text = event_text(start="20261102T090000", end="20261102T100000", extra=("RRULE:FREQ=WEEKLY",))
    monday = (dt.datetime(2026, 11, 9, tzinfo=UTC), dt.datetime(2026, 11, 10, tzinfo=UTC))
    week_without_monday = (
        dt.datetime(2026, 11, 10, tzinfo=UTC),
        dt.datetime(2026, 11, 16, tzinfo=UTC),
    )
    assert overlaps(text, *monday, "Europe/Paris")
    assert not overlaps(text, *week_without_monday, "Europe/Paris")


def test_a_rule_repeating_every_minute_is_refused():
    """FREQ=MINUTELY without end would expand forever for every query: it is refused."""
    refusal = _refusal(event_text(extra=("RRULE:FREQ=MINUTELY",)))
    assert refusal.precondition == "valid-calendar-object-resource"
    assert "toutes les minutes" in refusal.message


def test_a_counted_rule_is_indexed_up_to_its_last_instance():
    """Ten weekly Monday meetings from 2 November end on 4 January: the index says so (plus a
    day of margin) instead of leaving the event open-ended."""
    parsed = parse_calendar_object(
        event_text(
            start="20261102T090000", end="20261102T100000", extra=("RRULE:FREQ=WEEKLY;COUNT=10",)
        ),
        timezone="Europe/Paris",
    )
    assert parsed.recurring
    assert parsed.ends_at == dt.datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
