"""The DAV properties of the kinds of resource: root, home (also the principal), calendar,
schedule box, calendar object. Each function answers the names it knows; ``propfind.answer``
picks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import quote

from beffroi.calendars.calendar_data import MAX_OBJECT_BYTES
from beffroi.calendars.models import Calendar, Event
from beffroi.calendars.policies import OWNER, CalendarAbilities
from beffroi.dav.common.messages import DavRequest
from beffroi.dav.common.propfind import (
    Getter,
    allprop,
    collection_properties,
    href,
    object_properties,
    principal_properties,
    privileges,
    with_home,
    with_root,
)
from beffroi.dav.common.sync import sync_token
from beffroi.dav.common.xml import APPLE, CALDAV, CARDDAV, DAV, element, tag
from beffroi.directory.models import Agent

CARDDAV_MOUNT_POINT = "/dav/card"

ALLPROP = allprop(tag(CALDAV, "calendar-home-set"))

# RFC 6638 §2.1, §2.2: the server delivers into calendars directly (implicit scheduling), so
# the inbox stays empty and the outbox takes nothing; clients still look them up. A leading dot
# keeps them apart from calendar identifiers.
SCHEDULE_INBOX = ".inbox"
SCHEDULE_OUTBOX = ".outbox"
SCHEDULE_BOXES = {SCHEDULE_INBOX: "schedule-inbox", SCHEDULE_OUTBOX: "schedule-outbox"}


def calendar_token(calendar: Calendar) -> str:
    return sync_token(calendar.pk, calendar.revision)


def _principal_props(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    home = request.href(agent.username, collection=True)
    # One principal for calendars and contacts: the address books are served by CardDAV.
    books = f"{CARDDAV_MOUNT_POINT}/{quote(agent.username, safe='@')}/"
    props = principal_properties(
        request.href(collection=True),
        home,
        {tag(CALDAV, "calendar-home-set"): home, tag(CARDDAV, "addressbook-home-set"): books},
    )
    props[tag(CALDAV, "calendar-user-address-set")] = lambda: element(
        tag(CALDAV, "calendar-user-address-set"),
        None,
        *([href(f"mailto:{agent.email}")] if agent.email else []),
        href(home),
    )
    props[tag(CALDAV, "schedule-inbox-URL")] = lambda: element(
        tag(CALDAV, "schedule-inbox-URL"),
        None,
        href(request.href(agent.username, SCHEDULE_INBOX, collection=True)),
    )
    props[tag(CALDAV, "schedule-outbox-URL")] = lambda: element(
        tag(CALDAV, "schedule-outbox-URL"),
        None,
        href(request.href(agent.username, SCHEDULE_OUTBOX, collection=True)),
    )
    props[tag(CALDAV, "calendar-user-type")] = lambda: element(
        tag(CALDAV, "calendar-user-type"), "INDIVIDUAL"
    )
    return props


def root_properties(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    return with_root(_principal_props(request, agent))


def home_properties(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    return with_home(_principal_props(request, agent), agent.display_name)


def calendar_properties(
    request: DavRequest, calendar: Calendar, granted: CalendarAbilities = OWNER
) -> dict[str, Getter]:
    props = collection_properties(
        tag(CALDAV, "calendar"),
        calendar.name,
        calendar_token(calendar),
        request.href(calendar.owner.username, collection=True),
        privileges(write=granted.write_events, manage=granted.manage),
        (
            tag(CALDAV, "calendar-query"),
            tag(CALDAV, "calendar-multiget"),
            tag(CALDAV, "free-busy-query"),
            tag(DAV, "sync-collection"),
        ),
    )
    props[tag(APPLE, "calendar-color")] = lambda: element(
        tag(APPLE, "calendar-color"), calendar.colour
    )
    props[tag(CALDAV, "supported-calendar-component-set")] = lambda: element(
        tag(CALDAV, "supported-calendar-component-set"),
        None,
        _component("VEVENT"),
        _component("VTODO"),
    )
    props[tag(CALDAV, "supported-calendar-data")] = lambda: element(
        tag(CALDAV, "supported-calendar-data"),
        None,
        _attributes(
            element(tag(CALDAV, "calendar-data")),
            {"content-type": "text/calendar", "version": "2.0"},
        ),
    )
    props[tag(CALDAV, "max-resource-size")] = lambda: element(
        tag(CALDAV, "max-resource-size"), str(MAX_OBJECT_BYTES)
    )
    props[tag(CALDAV, "calendar-timezone-id")] = lambda: element(
        tag(CALDAV, "calendar-timezone-id"), calendar.timezone
    )
    return props


def schedule_box_properties(kind: str) -> dict[str, Getter]:
    """The empty schedule inbox or outbox (``kind``: "schedule-inbox" or "schedule-outbox")."""
    return {
        tag(DAV, "resourcetype"): lambda: element(
            tag(DAV, "resourcetype"),
            None,
            element(tag(DAV, "collection")),
            element(tag(CALDAV, kind)),
        ),
        tag(DAV, "displayname"): lambda: element(tag(DAV, "displayname"), kind),
    }


def event_properties(event: Event) -> dict[str, Getter]:
    content_type = f"text/calendar; charset=utf-8; component={event.component.lower()}"
    return object_properties(event.etag, content_type, event.data, event.updated_at)


def _component(name: str) -> ET.Element:
    return _attributes(element(tag(CALDAV, "comp")), {"name": name})


def _attributes(node: ET.Element, attributes: dict[str, str]) -> ET.Element:
    for key, value in attributes.items():
        node.set(key, value)
    return node
