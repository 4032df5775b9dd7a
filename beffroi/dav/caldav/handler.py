"""One function per DAV method: parse, check through ``access``, write through ``actions``,
render. ``handle`` authenticates every request but OPTIONS and maps errors to DAV answers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from beffroi.calendars import access, actions
from beffroi.calendars.booking import BookingConflict
from beffroi.calendars.calendar_data import InvalidCalendarObject
from beffroi.calendars.models import Calendar
from beffroi.calendars.policies import abilities
from beffroi.core.errors import BeffroiError, NotAllowed, NotFound
from beffroi.dav.caldav import properties, reports
from beffroi.dav.caldav.resources import calendar_at, home_segments
from beffroi.dav.common.handler import (
    Method,
    collection_exists,
    dav_handler,
    own_home,
    precondition_failed,
)
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.dav.common.propfind import (
    Getter,
    answer,
    partial_failure,
    property_update,
    refused,
    requested_properties,
    settable,
)
from beffroi.dav.common.xml import (
    APPLE,
    BEFFROI,
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

DAV_CLASSES = "1, 3, calendar-access, calendar-auto-schedule, extended-mkcol"
ALLOWED = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL"


def preconditions(problem: BeffroiError) -> DavResponse | None:
    if isinstance(problem, InvalidCalendarObject):
        return precondition_failed(problem.status, CALDAV, problem.precondition, problem.message)
    if isinstance(problem, actions.CalendarExists):
        return collection_exists(problem)
    if isinstance(problem, BookingConflict):
        # RFC 6638 has no precondition for a busy resource: ours is named, with the slot.
        return precondition_failed(409, BEFFROI, "resource-already-booked", problem.message)
    if isinstance(problem, actions.UidConflict):
        return precondition_failed(409, CALDAV, "no-uid-conflict", problem.message)
    return None


# --- PROPFIND and PROPPATCH ------------------------------------------------------------------


def propfind(request: DavRequest, agent: Agent) -> DavResponse:
    wanted = requested_properties(parse(request.body))
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
        own_home(segments[0], agent)
        answers.append(_home_answer(request, agent, wanted))
        if deep:
            actions.do_ensure_default_calendar(agent)
            for calendar, _granted in access.access_visible_calendars(agent):
                answers.append(_calendar_answer(request, agent, calendar, wanted))
    elif len(segments) == 2 and segments[1] in properties.SCHEDULE_BOXES:
        own_home(segments[0], agent)
        box = properties.schedule_box_properties(properties.SCHEDULE_BOXES[segments[1]])
        answers.append(_answer(request.href(*segments, collection=True), box, wanted))
    elif len(segments) == 2:
        calendar = calendar_at(agent, segments[0], segments[1])
        answers.append(_calendar_answer(request, agent, calendar, wanted, segments))
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
    changes = settable(property_update(parse(request.body)))
    href = request.href(*segments, collection=True)
    refusals = refused(changes, _SETTABLE)
    if refusals:
        return DavResponse.xml(207, partial_failure(href, changes, refusals))
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


def _colour(value: str | None) -> str | None:
    # Apple clients send #RRGGBBAA; an empty value (remove) keeps the current colour.
    return value or None


def _answer(href: str, available: dict[str, Getter], wanted: list[str] | None) -> Response:
    return answer(href, available, wanted, properties.ALLPROP)


def _home_answer(request: DavRequest, agent: Agent, wanted: list[str] | None) -> Response:
    href = request.href(agent.username, collection=True)
    return _answer(href, properties.home_properties(request, agent), wanted)


def _calendar_answer(
    request: DavRequest,
    agent: Agent,
    calendar: Calendar,
    wanted: list[str] | None,
    segments: list[str] | None = None,
) -> Response:
    """A calendar as listed in the requester's home: another's calendar shared with them is at
    ``/<me>/<owner>~<slug>/`` (clients expect every calendar in their home)."""
    href = request.href(*(segments or home_segments(agent, calendar)), collection=True)
    props = properties.calendar_properties(request, calendar, abilities(agent, calendar))
    return _answer(href, props, wanted)


# --- Collections ------------------------------------------------------------------------------


def mkcalendar(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Un agenda se crée directement dans votre dossier d'agendas."))
    own_home(segments[0], agent)
    root = parse(request.body)
    settings: dict[str, str | None] = {}
    if root is not None:
        if root.tag not in (tag(CALDAV, "mkcalendar"), tag(DAV, "mkcol")):
            raise InvalidXml("mkcalendar expected")
        settings = settable(root)
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
    text = access.event_text_for(agent, event)
    body = b"" if request.method == "HEAD" else text.encode("utf-8")
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
    # RFC 4791 §5.3.4: no ETag when the stored object differs from what the client sent
    # (scheduling added delivery statuses or answers); the client fetches it again.
    headers = {} if result.altered else {"ETag": result.event.etag}
    return DavResponse(201 if result.created else 204, headers=headers)


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


handle = dav_handler(METHODS, dav_classes=DAV_CLASSES, allowed=ALLOWED, preconditions=preconditions)
