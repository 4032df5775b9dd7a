"""Where occurrences go on the page: the periods of each view and their grids.

The time grid has a row per quarter of an hour, from 8:00 (or the earliest start) to 19:00 (or
the latest end); an event's rows are given as classes (``agenda-s<row>``, ``agenda-h<rows>``)
because the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from beffroi.calendars.occurrences import Occurrence

VIEWS = ("jour", "semaine", "mois", "liste")
SLOTS_PER_HOUR = 4
FIRST_HOUR, LAST_HOUR = 8, 19
LIST_DAYS = 30


@dataclass(frozen=True)
class Period:
    view: str
    day: dt.date  # the day asked for
    start: dt.date  # first day shown
    end: dt.date  # day after the last shown
    previous: dt.date
    next: dt.date


def period_of(view: str, day: dt.date) -> Period:
    if view == "jour":
        one = dt.timedelta(days=1)
        return Period(view, day, day, day + one, day - one, day + one)
    if view == "semaine":
        monday = day - dt.timedelta(days=day.weekday())
        week = dt.timedelta(days=7)
        return Period(view, day, monday, monday + week, day - week, day + week)
    if view == "mois":
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        last = following - dt.timedelta(days=1)
        end = last + dt.timedelta(days=7 - last.weekday())
        return Period(view, day, start, end, previous, following)
    span = dt.timedelta(days=LIST_DAYS)
    return Period(view, day, day, day + span, day - span, day + span)


@dataclass(frozen=True)
class Placed:
    occurrence: Occurrence
    row: int  # first quarter-hour row, from 1
    rows: int
    starts: dt.datetime  # the part of the occurrence within this day
    ends: dt.datetime
    continued: bool  # began on an earlier day
    continues: bool  # goes on past this day


@dataclass(frozen=True)
class DayColumn:
    day: dt.date
    today: bool
    all_day: list[Occurrence]
    timed: list[Placed]


@dataclass(frozen=True)
class TimeGrid:
    hours: list[int]
    rows: int
    columns: list[DayColumn]


def time_grid(period: Period, occurrences: list[Occurrence], today: dt.date) -> TimeGrid:
    days = _days(period.start, period.end)
    pieces: dict[dt.date, list[tuple[Occurrence, dt.datetime, dt.datetime]]] = {d: [] for d in days}
    all_day: dict[dt.date, list[Occurrence]] = {d: [] for d in days}
    first, last = FIRST_HOUR, LAST_HOUR
    for occurrence in occurrences:
        for day in days:
            if not occurrence.covers(day):
                continue
            if occurrence.all_day:
                all_day[day].append(occurrence)
                continue
            zone = occurrence.start.tzinfo
            midnight = dt.datetime.combine(day, dt.time(), zone)
            begins = max(occurrence.start, midnight)
            ends = min(occurrence.end, midnight + dt.timedelta(days=1))
            pieces[day].append((occurrence, begins, ends))
            first = min(first, begins.hour)
            last = max(last, _end_hour(ends, day))
    columns = [
        DayColumn(
            day=day,
            today=day == today,
            all_day=all_day[day],
            timed=[_place(item, first, day) for item in pieces[day]],
        )
        for day in days
    ]
    return TimeGrid(
        hours=list(range(first, last)), rows=(last - first) * SLOTS_PER_HOUR, columns=columns
    )


def _end_hour(ends: dt.datetime, day: dt.date) -> int:
    if ends.date() > day:
        return 24
    return ends.hour + (1 if ends.minute else 0)


def _place(
    item: tuple[Occurrence, dt.datetime, dt.datetime], first_hour: int, day: dt.date
) -> Placed:
    occurrence, begins, ends = item
    begin_slot = begins.hour * SLOTS_PER_HOUR + begins.minute // 15
    end_slot = 24 * SLOTS_PER_HOUR if ends.date() > day else ends.hour * SLOTS_PER_HOUR
    if ends.date() == day:
        end_slot += -(-ends.minute // 15)
    row = begin_slot - first_hour * SLOTS_PER_HOUR + 1
    return Placed(
        occurrence=occurrence,
        row=row,
        rows=max(1, end_slot - begin_slot),
        starts=begins,
        ends=ends,
        continued=occurrence.start < begins,
        continues=occurrence.end > ends,
    )


@dataclass(frozen=True)
class MonthDay:
    day: dt.date
    in_month: bool
    today: bool
    occurrences: list[Occurrence]


def month_weeks(
    period: Period, occurrences: list[Occurrence], today: dt.date
) -> list[list[MonthDay]]:
    days = [
        MonthDay(
            day=day,
            in_month=day.month == period.day.month,
            today=day == today,
            occurrences=[item for item in occurrences if item.covers(day)],
        )
        for day in _days(period.start, period.end)
    ]
    return [days[index : index + 7] for index in range(0, len(days), 7)]


@dataclass(frozen=True)
class ListDay:
    day: dt.date
    today: bool
    occurrences: list[Occurrence]


def list_days(period: Period, occurrences: list[Occurrence], today: dt.date) -> list[ListDay]:
    """Only the days that have something, in order."""
    found = []
    for day in _days(period.start, period.end):
        items = [item for item in occurrences if item.covers(day)]
        if items:
            found.append(ListDay(day, day == today, items))
    return found


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((end - start).days)]
