"""One function per DAV method: parse, check through ``access``, write through ``actions``,
render. ``handle`` authenticates every request but OPTIONS and maps errors to DAV answers."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable

from django.utils.translation import gettext as _

from beffroi.calendars import access, actions
from beffroi.calendars.calendar_data import InvalidCalendarObject
from beffroi.calendars.models import Calendar
from beffroi.calendars.policies import abilities
from beffroi.core.errors import (
    BeffroiError,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
)
from beffroi.dav.caldav import properties, reports
from beffroi.dav.caldav.messages import DavRequest, DavResponse
from beffroi.dav.caldav.resources import calendar_at
from beffroi.dav.caldav.xml import (
    APPLE,
    CALDAV,
    DAV,
    InvalidXml,
    Response,
    element,
    error,
    multistatus,
    parse,
    serialize,
    tag,
)
from beffroi.directory.access.credentials import authenticate_protocol_client
from beffroi.directory.models import Agent

logger = logging.getLogger(__name__)

DAV_CLASSES = "1, 3, calendar-access, extended-mkcol"
ALLOWED = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL"
REALM = 'Basic realm="Beffroi", charset="UTF-8"'

Method = Callable[[DavRequest, Agent], DavResponse]


def handle(request: DavRequest) -> DavResponse:
    if request.method == "OPTIONS":
        return DavResponse(200, headers={"DAV": DAV_CLASSES, "Allow": ALLOWED})
    method = METHODS.get(request.method)
    try:
        agent = _authenticate(request)
        if method is None:
            return DavResponse.text(
                405, _("Cette méthode n'est pas prise en charge."), Allow=ALLOWED
            )
        return method(request, agent)
    except InvalidXml:
        return DavResponse.text(400, _("Le corps XML de la requête est invalide."))
    except BeffroiError as problem:
        return error_response(problem)


def error_response(problem: BeffroiError) -> DavResponse:
    if isinstance(problem, NotAuthenticated):
        return DavResponse.text(401, problem.message, **{"WWW-Authenticate": REALM})
    if isinstance(problem, TooManyAttempts):
        return DavResponse.text(429, problem.message, **{"Retry-After": str(problem.retry_after)})
    if isinstance(problem, InvalidCalendarObject):
        return DavResponse.xml(
            problem.status, error(element(tag(CALDAV, problem.precondition)), problem.message)
        )
    if isinstance(problem, actions.CalendarExists):
        return DavResponse.xml(
            405, error(element(tag(DAV, "resource-must-be-null")), problem.fields["slug"][0])
        )
    if isinstance(problem, actions.UidConflict):
        return DavResponse.xml(409, error(element(tag(CALDAV, "no-uid-conflict")), problem.message))
    if isinstance(problem, NotFound | NotAllowed | actions.StaleVersion):
        return DavResponse.text(problem.http_status, problem.message)
    if isinstance(problem, InvalidInput):
        details = [message for messages in problem.fields.values() for message in messages]
        return DavResponse.text(403, " ".join(details) or problem.message)
    return DavResponse.text(problem.http_status, problem.message)


def _authenticate(request: DavRequest) -> Agent:
    credentials = request.credentials()
    if credentials is None:
        raise NotAuthenticated()
    username, secret = credentials
    return authenticate_protocol_client(
        username, secret, scope="calendars", address=request.address
    )


# --- PROPFIND and PROPPATCH ------------------------------------------------------------------


def propfind(request: DavRequest, agent: Agent) -> DavResponse:
    wanted = _requested_properties(parse(request.body))
    deep = request.header("depth", "infinity").strip() != "0"
    segments = request.segments
    answers: list[Response] = []
    if not segments:
        answers.append(
            _answer(
                request.href(collection=True), properties.root_properties(request, agent), wanted
            )
        )
        if deep:
            answers.append(_home_answer(request, agent, wanted))
    elif len(segments) == 1:
        _own_home(segments[0], agent)
        answers.append(_home_answer(request, agent, wanted))
        if deep:
            actions.do_ensure_default_calendar(agent)
            for calendar in access.access_calendars_of(agent, agent.username):
                answers.append(_calendar_answer(request, calendar, wanted))
    elif len(segments) == 2:
        calendar = calendar_at(agent, segments[0], segments[1])
        answers.append(_calendar_answer(request, calendar, wanted))
        if deep:
            for event in access.access_events(agent, calendar):
                href = request.href(segments[0], segments[1], event.name)
                answers.append(_answer(href, properties.event_properties(event), wanted))
    elif len(segments) == 3:
        calendar = calendar_at(agent, segments[0], segments[1])
        event = access.access_event(agent, calendar, segments[2])
        answers.append(_answer(request.href(*segments), properties.event_properties(event), wanted))
    else:
        raise NotFound()
    return DavResponse.xml(207, multistatus(answers))


def proppatch(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Seules les propriétés d'un agenda peuvent être modifiées."))
    calendar = calendar_at(agent, segments[0], segments[1])
    if not abilities(agent, calendar).manage:
        raise NotAllowed()
    root = parse(request.body)
    if root is None or root.tag != tag(DAV, "propertyupdate"):
        raise InvalidXml("propertyupdate expected")
    changes = _settable(root)
    refused = [name for name in changes if name not in _SETTABLE]
    href = request.href(*segments, collection=True)
    if refused:
        return DavResponse.xml(207, _partial_failure(href, changes, refused))
    actions.do_update_calendar(
        agent,
        calendar,
        name=changes.get(tag(DAV, "displayname")),
        colour=_colour(changes.get(tag(APPLE, "calendar-color"))),
        timezone=changes.get(tag(CALDAV, "calendar-timezone-id")),
    )
    done = [element(name) for name in changes]
    return DavResponse.xml(207, multistatus([Response(href, found=done)]))


_SETTABLE = (
    tag(DAV, "displayname"),
    tag(APPLE, "calendar-color"),
    tag(CALDAV, "calendar-timezone-id"),
)


def _settable(root: ET.Element) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    for operation in root:
        prop = operation.find(tag(DAV, "prop"))
        for item in prop if prop is not None else []:
            value = (item.text or "").strip() if operation.tag == tag(DAV, "set") else None
            changes[item.tag] = value
    return changes


def _partial_failure(href: str, changes: dict[str, str | None], refused: list[str]) -> bytes:
    """RFC 4918 §9.2: PROPPATCH is all or nothing; the others fail with 424."""
    root = ET.Element(tag(DAV, "multistatus"))
    node = ET.SubElement(root, tag(DAV, "response"))
    ET.SubElement(node, tag(DAV, "href")).text = href
    for status, names in (
        ("HTTP/1.1 403 Forbidden", refused),
        ("HTTP/1.1 424 Failed Dependency", [n for n in changes if n not in refused]),
    ):
        if not names:
            continue
        propstat = ET.SubElement(node, tag(DAV, "propstat"))
        prop = ET.SubElement(propstat, tag(DAV, "prop"))
        prop.extend(ET.Element(name) for name in names)
        ET.SubElement(propstat, tag(DAV, "status")).text = status
    return serialize(root)


def _colour(value: str | None) -> str | None:
    # Apple clients send #RRGGBBAA; an empty value (remove) keeps the current colour.
    return value or None


def _requested_properties(root: ET.Element | None) -> list[str] | None:
    if root is None:
        return None
    if root.tag != tag(DAV, "propfind"):
        raise InvalidXml("propfind expected")
    prop = root.find(tag(DAV, "prop"))
    if prop is None:
        return None  # allprop, or propname answered as allprop
    return [child.tag for child in prop]


def _answer(
    href: str, available: dict[str, properties.Getter], wanted: list[str] | None
) -> Response:
    found, missing = properties.select(available, wanted)
    return Response(href, found=found, missing=missing)


def _home_answer(request: DavRequest, agent: Agent, wanted: list[str] | None) -> Response:
    href = request.href(agent.username, collection=True)
    return _answer(href, properties.home_properties(request, agent), wanted)


def _calendar_answer(request: DavRequest, calendar: Calendar, wanted: list[str] | None) -> Response:
    href = request.href(calendar.owner.username, calendar.slug, collection=True)
    return _answer(href, properties.calendar_properties(request, calendar), wanted)


def _own_home(username: str, agent: Agent) -> None:
    """Only one's own home, for now; another's answers as if it did not exist."""
    if username != agent.username:
        raise NotFound()


# --- Collections ------------------------------------------------------------------------------


def mkcalendar(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Un agenda se crée directement dans votre dossier d'agendas."))
    _own_home(segments[0], agent)
    root = parse(request.body)
    settings: dict[str, str | None] = {}
    if root is not None:
        if root.tag not in (tag(CALDAV, "mkcalendar"), tag(DAV, "mkcol")):
            raise InvalidXml("mkcalendar expected")
        settings = _settable(root)
        resourcetype = root.find(f"{tag(DAV, 'set')}/{tag(DAV, 'prop')}/{tag(DAV, 'resourcetype')}")
        if request.method == "MKCOL" and (
            resourcetype is None or resourcetype.find(tag(CALDAV, "calendar")) is None
        ):
            raise NotAllowed(_("Seuls des agendas peuvent être créés ici."))
    elif request.method == "MKCOL":
        raise NotAllowed(_("Seuls des agendas peuvent être créés ici."))
    actions.do_create_calendar(
        agent,
        slug=segments[1],
        name=settings.get(tag(DAV, "displayname")) or "",
        colour=_colour(settings.get(tag(APPLE, "calendar-color"))),
        address=request.address or None,
    )
    return DavResponse(201, headers={"Cache-Control": "no-store"})


# --- Objects ----------------------------------------------------------------------------------


def get(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 3:
        if len(segments) < 3:
            return DavResponse.text(200, _("Agendas Beffroi (CalDAV)."))
        raise NotFound()
    calendar = calendar_at(agent, segments[0], segments[1])
    event = access.access_event(agent, calendar, segments[2])
    body = b"" if request.method == "HEAD" else event.data.encode("utf-8")
    return DavResponse(
        200,
        body,
        {"Content-Type": "text/calendar; charset=utf-8", "ETag": event.etag},
    )


def put(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 3:
        raise NotAllowed(_("Un événement s'enregistre dans un agenda."))
    calendar = calendar_at(agent, segments[0], segments[1])
    result = actions.do_put_event(
        agent,
        calendar,
        segments[2],
        request.body,
        if_match=request.header("if-match").strip() or None,
        if_none_match=request.header("if-none-match").strip() == "*",
    )
    return DavResponse(201 if result.created else 204, headers={"ETag": result.event.etag})


def delete(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) == 2:
        calendar = calendar_at(agent, segments[0], segments[1])
        actions.do_delete_calendar(agent, calendar, address=request.address or None)
        return DavResponse(204)
    if len(segments) != 3:
        raise NotAllowed()
    calendar = calendar_at(agent, segments[0], segments[1])
    actions.do_delete_event(
        agent, calendar, segments[2], if_match=request.header("if-match").strip() or None
    )
    return DavResponse(204)


METHODS: dict[str, Method] = {
    "PROPFIND": propfind,
    "PROPPATCH": proppatch,
    "MKCALENDAR": mkcalendar,
    "MKCOL": mkcalendar,
    "GET": get,
    "HEAD": get,
    "PUT": put,
    "DELETE": delete,
    "REPORT": reports.report,
}
