"""The DAV properties of the four kinds of resource: root, home (also the principal),
calendar, calendar object. Each function answers the requested names it knows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from email.utils import format_datetime

from beffroi.calendars.calendar_data import MAX_OBJECT_BYTES
from beffroi.calendars.models import Calendar, Event
from beffroi.dav.caldav.messages import DavRequest
from beffroi.dav.caldav.xml import APPLE, CALDAV, CALENDARSERVER, DAV, element, tag
from beffroi.directory.models import Agent

Getter = Callable[[], ET.Element]

# Answered for PROPFIND allprop (RFC 4918 §9.1: the live properties worth listing). The
# principal's are there too because clients following the 301 of /.well-known/caldav lose the
# PROPFIND body on the way (HTTP libraries drop bodies on 301), and still look for them.
ALLPROP = [
    tag(DAV, "current-user-principal"),
    tag(CALDAV, "calendar-home-set"),
    tag(DAV, "resourcetype"),
    tag(DAV, "displayname"),
    tag(DAV, "getetag"),
    tag(DAV, "getcontenttype"),
    tag(DAV, "getcontentlength"),
    tag(DAV, "getlastmodified"),
    tag(CALENDARSERVER, "getctag"),
    tag(DAV, "sync-token"),
]

SYNC_TOKEN_PREFIX = "urn:beffroi:sync:"  # noqa: S105 - a URI scheme, not a secret


def sync_token(calendar: Calendar) -> str:
    return f"{SYNC_TOKEN_PREFIX}{calendar.pk}:{calendar.revision}"


def _href(value: str) -> ET.Element:
    return element(tag(DAV, "href"), value)


def _principal_props(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    home = request.href(agent.username, collection=True)
    return {
        tag(DAV, "current-user-principal"): lambda: element(
            tag(DAV, "current-user-principal"), None, _href(home)
        ),
        tag(DAV, "principal-URL"): lambda: element(tag(DAV, "principal-URL"), None, _href(home)),
        tag(CALDAV, "calendar-home-set"): lambda: element(
            tag(CALDAV, "calendar-home-set"), None, _href(home)
        ),
        tag(CALDAV, "calendar-user-address-set"): lambda: element(
            tag(CALDAV, "calendar-user-address-set"),
            None,
            *([_href(f"mailto:{agent.email}")] if agent.email else []),
            _href(home),
        ),
        tag(DAV, "principal-collection-set"): lambda: element(
            tag(DAV, "principal-collection-set"), None, _href(request.href(collection=True))
        ),
    }


def root_properties(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    props = _principal_props(request, agent)
    props[tag(DAV, "resourcetype")] = lambda: element(
        tag(DAV, "resourcetype"), None, element(tag(DAV, "collection"))
    )
    return props


def home_properties(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    props = _principal_props(request, agent)
    props[tag(DAV, "resourcetype")] = lambda: element(
        tag(DAV, "resourcetype"),
        None,
        element(tag(DAV, "collection")),
        element(tag(DAV, "principal")),
    )
    props[tag(DAV, "displayname")] = lambda: element(tag(DAV, "displayname"), agent.display_name)
    return props


def calendar_properties(request: DavRequest, calendar: Calendar) -> dict[str, Getter]:
    token = sync_token(calendar)
    return {
        tag(DAV, "resourcetype"): lambda: element(
            tag(DAV, "resourcetype"),
            None,
            element(tag(DAV, "collection")),
            element(tag(CALDAV, "calendar")),
        ),
        tag(DAV, "displayname"): lambda: element(tag(DAV, "displayname"), calendar.name),
        tag(APPLE, "calendar-color"): lambda: element(
            tag(APPLE, "calendar-color"), calendar.colour
        ),
        tag(CALENDARSERVER, "getctag"): lambda: element(tag(CALENDARSERVER, "getctag"), token),
        tag(DAV, "sync-token"): lambda: element(tag(DAV, "sync-token"), token),
        tag(DAV, "owner"): lambda: element(
            tag(DAV, "owner"), None, _href(request.href(calendar.owner.username, collection=True))
        ),
        tag(CALDAV, "supported-calendar-component-set"): lambda: element(
            tag(CALDAV, "supported-calendar-component-set"),
            None,
            _component("VEVENT"),
            _component("VTODO"),
        ),
        tag(CALDAV, "supported-calendar-data"): lambda: element(
            tag(CALDAV, "supported-calendar-data"),
            None,
            _attributes(
                element(tag(CALDAV, "calendar-data")),
                {"content-type": "text/calendar", "version": "2.0"},
            ),
        ),
        tag(CALDAV, "max-resource-size"): lambda: element(
            tag(CALDAV, "max-resource-size"), str(MAX_OBJECT_BYTES)
        ),
        tag(CALDAV, "calendar-timezone-id"): lambda: element(
            tag(CALDAV, "calendar-timezone-id"), calendar.timezone
        ),
        tag(DAV, "supported-report-set"): lambda: element(
            tag(DAV, "supported-report-set"),
            None,
            *(
                element(
                    tag(DAV, "supported-report"),
                    None,
                    element(tag(DAV, "report"), None, element(name)),
                )
                for name in (
                    tag(CALDAV, "calendar-query"),
                    tag(CALDAV, "calendar-multiget"),
                    tag(DAV, "sync-collection"),
                )
            ),
        ),
        tag(DAV, "current-user-privilege-set"): lambda: element(
            tag(DAV, "current-user-privilege-set"),
            None,
            *(
                element(tag(DAV, "privilege"), None, element(tag(DAV, name)))
                for name in ("read", "write", "write-content", "write-properties", "bind", "unbind")
            ),
        ),
    }


def event_properties(event: Event, *, with_data: bool = False) -> dict[str, Getter]:
    props: dict[str, Getter] = {
        tag(DAV, "resourcetype"): lambda: element(tag(DAV, "resourcetype")),
        tag(DAV, "getetag"): lambda: element(tag(DAV, "getetag"), event.etag),
        tag(DAV, "getcontenttype"): lambda: element(
            tag(DAV, "getcontenttype"),
            f"text/calendar; charset=utf-8; component={event.component.lower()}",
        ),
        tag(DAV, "getcontentlength"): lambda: element(
            tag(DAV, "getcontentlength"), str(len(event.data.encode("utf-8")))
        ),
        tag(DAV, "getlastmodified"): lambda: element(
            tag(DAV, "getlastmodified"), format_datetime(event.updated_at, usegmt=True)
        ),
    }
    if with_data:
        props[tag(CALDAV, "calendar-data")] = lambda: element(
            tag(CALDAV, "calendar-data"), event.data
        )
    return props


def select(
    available: dict[str, Getter], wanted: list[str] | None
) -> tuple[list[ET.Element], list[str]]:
    """The found elements and the missing names among ``wanted`` (None: allprop)."""
    if wanted is None:
        return [available[name]() for name in ALLPROP if name in available], []
    found = [available[name]() for name in wanted if name in available]
    missing = [name for name in wanted if name not in available]
    return found, missing


def _component(name: str) -> ET.Element:
    return _attributes(element(tag(CALDAV, "comp")), {"name": name})


def _attributes(node: ET.Element, attributes: dict[str, str]) -> ET.Element:
    for key, value in attributes.items():
        node.set(key, value)
    return node
