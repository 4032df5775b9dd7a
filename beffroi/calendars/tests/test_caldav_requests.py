"""CalDAV requests as clients send them, answered in-process by the DAV adapter: bad input gets
the right status and a French reason with nothing stored; queries are answered by the server."""

from __future__ import annotations

import asyncio
import base64

import pytest
from defusedxml.ElementTree import fromstring

from beffroi.calendars.actions import do_ensure_default_calendar, do_put_event
from beffroi.calendars.models import Calendar, Event
from beffroi.calendars.tests.samples import event_text, two_events
from beffroi.dav.caldav.app import caldav_application
from beffroi.dav.caldav.handler import handle
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.directory.actions import do_create_app_password

pytestmark = pytest.mark.django_db

NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav", "B": "urn:beffroi:dav"}


@pytest.fixture
def secret(agent_voirie) -> str:
    return do_create_app_password(agent_voirie, "agenda", ["calendars"])[1]


@pytest.fixture
def agenda(agent_voirie) -> Calendar:
    return do_ensure_default_calendar(agent_voirie)


def dav(
    method: str,
    path: str,
    secret: str | None,
    body: str | bytes = b"",
    username: str = "agent.voirie",
    **headers: str,
) -> DavResponse:
    names = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    if secret is not None:
        token = base64.b64encode(f"{username}:{secret}".encode()).decode()
        names["authorization"] = f"Basic {token}"
    return handle(
        DavRequest(
            method=method,
            path=path,
            root="/dav/cal",
            headers=names,
            body=body.encode() if isinstance(body, str) else body,
            address="127.0.0.1",
        )
    )


def _message(response: DavResponse) -> str:
    return fromstring(response.body).findtext("B:message", namespaces=NS) or ""


def _hrefs(response: DavResponse) -> list[str]:
    return sorted(
        node.text or "" for node in fromstring(response.body).iterfind(".//D:response/D:href", NS)
    )


QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/>{data}</D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


@pytest.mark.parametrize(
    ("body", "precondition", "reason"),
    [
        ("Réunion demain à 10 h", "valid-calendar-data", "n'est pas un calendrier iCalendar"),
        (two_events("un", "deux"), "valid-calendar-object-resource", "un seul UID"),
        (
            event_text(calendar_extra=("METHOD:REQUEST",)),
            "valid-calendar-object-resource",
            "METHOD",
        ),
        (event_text(tzid="Mars/Olympus_Mons"), "valid-calendar-data", "fuseau horaire"),
    ],
)
def test_a_bad_object_is_refused_with_its_precondition_and_a_french_reason(
    secret, agenda, body, precondition, reason
):
    """PUT of bad iCalendar: 403, the CalDAV precondition named, a French sentence, no event."""
    response = dav("PUT", "/agent.voirie/agenda/x.ics", secret, body)
    assert response.status == 403
    root = fromstring(response.body)
    assert root.find(f"C:{precondition}", NS) is not None
    assert reason in _message(response)
    assert not Event.objects.exists()
    agenda.refresh_from_db()
    assert agenda.revision == 0


def test_a_two_megabyte_body_is_refused_before_it_is_read_whole(secret, agenda):
    """The ASGI adapter answers 413 with a French reason; nothing reaches the database."""
    body = event_text(extra=("DESCRIPTION:" + "x" * 2_000_000,)).encode()
    sent: list[dict] = []
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]

    async def receive() -> dict:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/dav/cal/agent.voirie/agenda/gros.ics",
        "root_path": "/dav/cal",
        "headers": [(b"content-type", b"text/calendar")],
        "client": ("127.0.0.1", 5000),
    }
    asyncio.run(caldav_application(scope, receive, send))
    assert sent[0]["status"] == 413
    assert "dépasse la taille autorisée" in sent[1]["body"].decode()
    assert not Event.objects.exists()


def test_a_uid_reused_under_another_name_is_a_conflict(secret, agenda):
    """The same UID at a second address: 409 with no-uid-conflict, the first event kept."""
    assert dav("PUT", "/agent.voirie/agenda/a.ics", secret, event_text()).status == 201
    response = dav("PUT", "/agent.voirie/agenda/b.ics", secret, event_text())
    assert response.status == 409
    assert fromstring(response.body).find("C:no-uid-conflict", NS) is not None
    assert list(Event.objects.values_list("name", flat=True)) == ["a.ics"]


def test_an_xml_bomb_in_a_report_is_refused(secret, agenda):
    """Entities are never expanded: a billion-laughs REPORT gets 400, in French."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav">&lol2;</C:calendar-query>'
    )
    response = dav("REPORT", "/agent.voirie/agenda/", secret, bomb, depth="1")
    assert response.status == 400
    assert "XML" in response.body.decode()


def test_the_server_filters_a_calendar_query_by_time_range(secret, agenda, agent_voirie):
    """Of a December meeting and a weekly Monday meeting in November, a query on Monday
    9 November returns only the weekly one; a query on a Tuesday returns nothing."""
    do_put_event(agent_voirie, agenda, "conseil.ics", event_text())
    weekly = event_text(
        "hebdo",
        "Réunion de service",
        "20261102T090000",
        "20261102T100000",
        extra=("RRULE:FREQ=WEEKLY;COUNT=10",),
    )
    do_put_event(agent_voirie, agenda, "hebdo.ics", weekly)
    monday = dav(
        "REPORT",
        "/agent.voirie/agenda/",
        secret,
        QUERY.format(data="", start="20261109T000000Z", end="20261110T000000Z"),
        depth="1",
    )
    assert monday.status == 207
    assert _hrefs(monday) == ["/dav/cal/agent.voirie/agenda/hebdo.ics"]
    tuesday = dav(
        "REPORT",
        "/agent.voirie/agenda/",
        secret,
        QUERY.format(data="", start="20261110T000000Z", end="20261111T000000Z"),
        depth="1",
    )
    assert _hrefs(tuesday) == []


def test_expand_gives_the_right_utc_times_across_the_october_clock_change(
    secret, agenda, agent_voirie
):
    """A Monday 10:00 Paris meeting is 08:00 UTC on 19 October and 09:00 UTC on 26 October."""
    weekly = event_text(
        "hebdo",
        "Réunion de service",
        "20261005T100000",
        "20261005T110000",
        extra=("RRULE:FREQ=WEEKLY",),
    )
    do_put_event(agent_voirie, agenda, "hebdo.ics", weekly)
    data = (
        '<C:calendar-data><C:expand start="20261019T000000Z" end="20261027T000000Z"/>'
        "</C:calendar-data>"
    )
    response = dav(
        "REPORT",
        "/agent.voirie/agenda/",
        secret,
        QUERY.format(data=data, start="20261019T000000Z", end="20261027T000000Z"),
        depth="1",
    )
    expanded = fromstring(response.body).findtext(".//C:calendar-data", namespaces=NS) or ""
    starts = [line for line in expanded.splitlines() if line.startswith("DTSTART")]
    assert starts == ["DTSTART:20261019T080000Z", "DTSTART:20261026T090000Z"]
    assert "RRULE" not in expanded


def test_a_sync_token_returns_only_what_changed_and_a_forged_one_is_refused(
    secret, agenda, agent_voirie
):
    """After a token, one new and one deleted event are listed; an unknown token gets 403."""
    do_put_event(agent_voirie, agenda, "garde.ics", event_text("garde", "Garde"))
    do_put_event(agent_voirie, agenda, "parti.ics", event_text("parti", "Parti"))
    agenda.refresh_from_db()
    token = f"urn:beffroi:sync:{agenda.pk}:{agenda.revision}"
    do_put_event(agent_voirie, agenda, "nouveau.ics", event_text("nouveau", "Nouveau"))
    dav("DELETE", "/agent.voirie/agenda/parti.ics", secret)
    sync = (
        '<D:sync-collection xmlns:D="DAV:"><D:sync-token>{}</D:sync-token>'
        "<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"
    )
    response = dav("REPORT", "/agent.voirie/agenda/", secret, sync.format(token))
    assert response.status == 207
    root = fromstring(response.body)
    statuses = {
        node.findtext("D:href", namespaces=NS): node.findtext("D:status", namespaces=NS)
        for node in root.iterfind("D:response", NS)
    }
    assert statuses == {
        "/dav/cal/agent.voirie/agenda/nouveau.ics": None,
        "/dav/cal/agent.voirie/agenda/parti.ics": "HTTP/1.1 404 Not Found",
    }
    assert (
        root.findtext("D:sync-token", namespaces=NS)
        == f"urn:beffroi:sync:{agenda.pk}:{agenda.revision + 2}"
    )
    forged = dav("REPORT", "/agent.voirie/agenda/", secret, sync.format(token + "9"))
    assert forged.status == 403
    assert "jeton de synchronisation" in _message(forged)


def test_another_agents_calendar_answers_like_a_missing_one(secret, agent_finances):
    """agent.finances's agenda answers agent.voirie with the 404 of a missing calendar."""
    do_ensure_default_calendar(agent_finances)
    hidden = dav("PROPFIND", "/agent.finances/agenda/", secret, depth="0")
    missing = dav("PROPFIND", "/agent.voirie/inexistant/", secret, depth="0")
    assert hidden.status == missing.status == 404
    assert hidden.body == missing.body
    refused = dav("PUT", "/agent.finances/agenda/x.ics", secret, event_text())
    assert refused.status == 404
    assert not Event.objects.exists()


def test_no_credentials_or_a_wrong_secret_get_401(agenda, secret):
    """Without Basic credentials, or with a wrong app password, the client is asked to log in."""
    for answer in (
        dav("PROPFIND", "/agent.voirie/", None, depth="0"),
        dav("PROPFIND", "/agent.voirie/", "abcd-efgh-ijkm-npqr", depth="0"),
    ):
        assert answer.status == 401
        assert answer.headers["WWW-Authenticate"].startswith("Basic")


def test_mkcalendar_creates_a_calendar_in_ones_own_home_only(secret, agent_voirie):
    """MKCALENDAR with a display name creates it; in another's home it is a 404."""
    body = (
        '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
        "<D:displayname>Astreintes</D:displayname></D:prop></D:set></C:mkcalendar>"
    )
    assert dav("MKCALENDAR", "/agent.voirie/astreintes/", secret, body).status == 201
    assert Calendar.objects.get(slug="astreintes").name == "Astreintes"
    assert dav("MKCALENDAR", "/agent.voirie/astreintes/", secret, body).status == 405
    assert dav("MKCALENDAR", "/maire/astreintes/", secret, body).status == 404
    assert Calendar.objects.filter(slug="astreintes").count() == 1


def test_options_advertises_calendar_access():
    """OPTIONS tells clients this is a CalDAV server, without credentials."""
    response = dav("OPTIONS", "/", None)
    assert response.status == 200
    assert "calendar-access" in response.headers["DAV"]


def test_expanding_a_runaway_range_is_refused(secret, agenda, agent_voirie):
    """A daily event with no end, expanded over thirty years, is refused rather than rendered."""
    daily = event_text("quotidien", "Point du matin", extra=("RRULE:FREQ=DAILY",))
    do_put_event(agent_voirie, agenda, "quotidien.ics", daily)
    data = (
        '<C:calendar-data><C:expand start="20261201T000000Z" end="20561201T000000Z"/>'
        "</C:calendar-data>"
    )
    response = dav(
        "REPORT",
        "/agent.voirie/agenda/",
        secret,
        QUERY.format(data=data, start="20261201T000000Z", end="20561201T000000Z"),
        depth="1",
    )
    assert response.status == 403
    assert "Trop d'occurrences" in response.body.decode()


def test_a_client_may_write_to_its_agenda_before_listing_anything(secret, agent_voirie):
    """The first request of a new agent is a PUT into "agenda": the agenda is created for it."""
    response = dav("PUT", "/agent.voirie/agenda/premier.ics", secret, event_text())
    assert response.status == 201
    assert Event.objects.get().calendar.owner == agent_voirie
