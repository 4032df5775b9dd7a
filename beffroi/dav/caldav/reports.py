"""REPORTs: calendar-query and calendar-multiget (RFC 4791 §7.8, §7.9) and sync-collection
(RFC 6578), answered on a calendar collection."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped, unused-ignore]
from django.utils.translation import gettext as _

from beffroi.calendars import access
from beffroi.calendars.calendar_data import zone_named
from beffroi.calendars.models import Calendar, Event
from beffroi.core.errors import NotAllowed
from beffroi.dav.caldav import properties
from beffroi.dav.caldav.resources import calendar_at
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.dav.common.propfind import answer
from beffroi.dav.common.reports import (
    logged_answers,
    multiget,
    sync_collection,
    unsupported_report,
)
from beffroi.dav.common.sync import revision_in
from beffroi.dav.common.xml import (
    CALDAV,
    DAV,
    InvalidXml,
    Response,
    element,
    multistatus,
    parse,
    tag,
)
from beffroi.directory.models import Agent

CALENDAR_DATA = tag(CALDAV, "calendar-data")
# Per object and REPORT: a daily event over ten years stays under it, a runaway range does not.
MAX_EXPANDED_INSTANCES = 5000


@dataclass(frozen=True)
class Expansion:
    start: dt.datetime
    end: dt.datetime


@dataclass
class Wanted:
    """The properties a REPORT asks for, and how to send calendar-data."""

    names: list[str] | None
    expand: Expansion | None = None

    @property
    def with_data(self) -> bool:
        return self.names is None or CALENDAR_DATA in self.names


@dataclass
class ComponentFilter:
    name: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    absent: bool = False
    props: list[ET.Element] = field(default_factory=list)


def report(request: DavRequest, agent: Agent) -> DavResponse:
    root = parse(request.body)
    if root is None:
        raise InvalidXml("report body expected")
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Ce rapport s'adresse à un agenda."))
    if segments[1] in properties.SCHEDULE_BOXES and segments[0] == agent.username:
        return DavResponse.xml(207, multistatus([]))  # the inbox stays empty (RFC 6638 §2.2)
    if root.tag == tag(CALDAV, "free-busy-query"):
        return free_busy_query(agent, calendar_at(agent, *segments, free_busy=True), root)
    calendar = calendar_at(agent, segments[0], segments[1])
    wanted = _wanted(root)
    if root.tag == tag(CALDAV, "calendar-query"):
        events = _query(agent, calendar, root)
    elif root.tag == tag(CALDAV, "calendar-multiget"):
        return _multiget(request, agent, calendar, root, wanted)
    elif root.tag == tag(DAV, "sync-collection"):
        return _sync(request, agent, calendar, root, wanted)
    else:
        return unsupported_report()
    answers = [_event_answer(request, agent, calendar, event, wanted) for event in events]
    return DavResponse.xml(207, multistatus(answers))


def _wanted(root: ET.Element) -> Wanted:
    prop = root.find(tag(DAV, "prop"))
    if prop is None:
        return Wanted(names=None)
    expand = None
    data = prop.find(CALENDAR_DATA)
    node = data.find(tag(CALDAV, "expand")) if data is not None else None
    if node is not None:
        start, end = _utc(node.get("start")), _utc(node.get("end"))
        if start is None or end is None or end <= start:
            raise InvalidXml("expand needs start and end")
        expand = Expansion(start, end)
    return Wanted(names=[child.tag for child in prop], expand=expand)


# --- calendar-query ---------------------------------------------------------------------------


def _query(agent: Agent, calendar: Calendar, root: ET.Element) -> list[Event]:
    criteria = _filter(root)
    if criteria is None:
        return []
    if criteria.absent:
        everything = access.access_events(agent, calendar)
        return [event for event in everything if event.component != criteria.name]
    events = access.access_events_between(
        agent, calendar, criteria.start, criteria.end, component=criteria.name
    )
    if criteria.props:
        events = [event for event in events if _props_match(event, criteria)]
    return events


def _filter(root: ET.Element) -> ComponentFilter | None:
    """The filter on the objects' component, or None when nothing can match."""
    filter_node = root.find(tag(CALDAV, "filter"))
    outer = filter_node.find(tag(CALDAV, "comp-filter")) if filter_node is not None else None
    if outer is None:
        raise InvalidXml("calendar-query needs a filter")
    if outer.get("name", "").upper() != "VCALENDAR":
        return None
    inner = outer.find(tag(CALDAV, "comp-filter"))
    if inner is None:
        return ComponentFilter()
    criteria = ComponentFilter(name=inner.get("name", "").upper() or None)
    criteria.absent = inner.find(tag(CALDAV, "is-not-defined")) is not None
    time_range = inner.find(tag(CALDAV, "time-range"))
    if time_range is not None:
        criteria.start = _utc(time_range.get("start"))
        criteria.end = _utc(time_range.get("end"))
        if criteria.start is None and criteria.end is None:
            raise InvalidXml("time-range needs start or end")
    criteria.props = inner.findall(tag(CALDAV, "prop-filter"))
    return criteria


def _props_match(event: Event, criteria: ComponentFilter) -> bool:
    components = icalendar.Calendar.from_ical(event.data).walk(criteria.name or "VEVENT")
    return all(
        any(_prop_matches(component, prop_filter) for component in components)
        for prop_filter in criteria.props
    )


def _prop_matches(component: Any, prop_filter: ET.Element) -> bool:
    name = prop_filter.get("name", "").upper()
    present = name in component
    if prop_filter.find(tag(CALDAV, "is-not-defined")) is not None:
        return not present
    if not present:
        return False
    text_match = prop_filter.find(tag(CALDAV, "text-match"))
    if text_match is None:
        return True
    values = component.get(name)
    texts = [str(value) for value in (values if isinstance(values, list) else [values])]
    needle = text_match.text or ""
    if text_match.get("collation", "i;ascii-casemap") != "i;octet":
        needle = needle.casefold()
        texts = [text.casefold() for text in texts]
    found = any(needle in text for text in texts)
    return found != (text_match.get("negate-condition") == "yes")


def _utc(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidXml("bad UTC date-time") from None


# --- calendar-multiget ------------------------------------------------------------------------


def _multiget(
    request: DavRequest, agent: Agent, calendar: Calendar, root: ET.Element, wanted: Wanted
) -> DavResponse:
    return multiget(
        root,
        request.href(*request.segments[:2], collection=True),
        lambda names: access.access_events(agent, calendar, names),
        lambda event: event.name,
        lambda event: _event_answer(request, agent, calendar, event, wanted),
    )


# --- sync-collection --------------------------------------------------------------------------


def _sync(
    request: DavRequest, agent: Agent, calendar: Calendar, root: ET.Element, wanted: Wanted
) -> DavResponse:
    # The calendar was read at the start of this request: its revision is the new token, and a
    # change committed since then is left for the next sync.
    current = calendar.revision

    def event_answer(event: Event) -> Response:
        return _event_answer(request, agent, calendar, event, wanted)

    def gone(name: str) -> Response:
        return Response(request.href(*request.segments[:2], name), status=404)

    def since(token: str) -> list[Response] | None:
        revision = revision_in(token, calendar.pk, current)
        if revision is None:
            return None
        changes = access.access_changes_since(agent, calendar, revision, up_to=current)
        alive = [change.name for change in changes if not change.deleted]
        found = {event.name: event for event in access.access_events(agent, calendar, alive)}
        return logged_answers(changes, found, event_answer, gone)

    return sync_collection(
        root,
        properties.calendar_token(calendar),
        lambda: [event_answer(event) for event in access.access_events(agent, calendar)],
        since,
        _("Ce jeton de synchronisation n'est pas valide : resynchronisez l'agenda."),
    )


# --- free-busy-query ------------------------------------------------------------------------


def free_busy_query(agent: Agent, calendar: Calendar, root: ET.Element) -> DavResponse:
    """RFC 4791 §7.10: the busy time of the calendar in the range, as one VFREEBUSY."""
    time_range = root.find(tag(CALDAV, "time-range"))
    start = _utc(time_range.get("start")) if time_range is not None else None
    end = _utc(time_range.get("end")) if time_range is not None else None
    if start is None or end is None:
        raise InvalidXml("free-busy-query needs a time-range with start and end")
    periods = access.access_free_busy(agent, calendar, start, end)
    result = icalendar.Calendar()
    result.add("VERSION", "2.0")
    result.add("PRODID", "-//Beffroi//Agendas//FR")
    busy = icalendar.FreeBusy()
    busy.add("DTSTAMP", dt.datetime.now(dt.UTC).replace(microsecond=0))
    busy.add("DTSTART", start)
    busy.add("DTEND", end)
    for period in periods:
        value = icalendar.vPeriod((period.start, period.end))
        busy.add(
            "FREEBUSY",
            value,
            parameters={"FBTYPE": "BUSY-TENTATIVE" if period.tentative else "BUSY"},
        )
    result.add_component(busy)
    return DavResponse(200, result.to_ical(), {"Content-Type": "text/calendar; charset=utf-8"})


# --- rendering --------------------------------------------------------------------------------


def _event_answer(
    request: DavRequest, agent: Agent, calendar: Calendar, event: Event, wanted: Wanted
) -> Response:
    """One object, at its place under the collection the request named (a shared calendar
    answers under the requester's home), private details hidden from who may not see them."""
    href = request.href(*request.segments[:2], event.name)
    available = properties.event_properties(event)
    if wanted.with_data:
        text = access.event_text_for(agent, event)
        data = text if wanted.expand is None else _expanded(text, wanted.expand, calendar)
        available[CALENDAR_DATA] = lambda: element(CALENDAR_DATA, data)
    return answer(href, available, wanted.names, properties.ALLPROP)


def _expanded(text: str, expansion: Expansion, calendar: Calendar) -> str:
    """The instances in the range as separate components in UTC, no rules (RFC 4791 §9.6.5)."""
    source = icalendar.Calendar.from_ical(text)
    zone = zone_named(calendar.timezone)
    result = icalendar.Calendar()
    for name in ("VERSION", "PRODID"):
        if name in source:
            result.add(name, source[name])
    instances = recurring_ical_events.of(source).between(
        expansion.start.astimezone(zone), expansion.end.astimezone(zone)
    )
    if len(instances) > MAX_EXPANDED_INSTANCES:
        raise NotAllowed(
            _("Trop d'occurrences dans cet intervalle (plus de %(max)s) : réduisez-le.")
            % {"max": MAX_EXPANDED_INSTANCES}
        )
    for instance in instances:
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "DUE"):
            if name in instance:
                value = instance.decoded(name)
                if isinstance(value, dt.datetime):
                    if value.tzinfo is None:
                        value = value.replace(tzinfo=zone)
                    del instance[name]
                    instance.add(name, value.astimezone(dt.UTC))
        for name in ("RRULE", "RDATE", "EXDATE"):
            instance.pop(name, None)
        result.add_component(instance)
    return str(result.to_ical().decode("utf-8"))
