"""A workspace's calendar as phones and Thunderbird see it: the ``caldav`` client of each member
finds it in their own CalDAV home, contributors write to it, readers only read, and a person
outside the workspace cannot reach it at its address."""

from __future__ import annotations

import caldav
import pytest
from caldav.lib.error import AuthorizationError, NotFoundError, PutError

from beffroi.calendars.models import Calendar
from beffroi.directory.actions import do_create_app_password
from beffroi.directory.models import Agent
from beffroi.web.tests.asgi_server import asgi_live_server  # noqa: F401 - the server fixture
from beffroi.workspaces.actions import do_add_member, do_create_workspace
from beffroi.workspaces.policies import CONTRIBUTOR, READER

pytestmark = pytest.mark.slow

MEETING = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Beffroi tests//FR",
        "BEGIN:VEVENT",
        "UID:{uid}",
        "DTSTAMP:20261201T090000Z",
        "DTSTART;TZID=Europe/Paris:20261210T140000",
        "DTEND;TZID=Europe/Paris:20261210T160000",
        "SUMMARY:{summary}",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def _client(base: str, agent: Agent) -> caldav.DAVClient:
    secret = do_create_app_password(agent, "agenda", ["calendars"])[1]
    return caldav.DAVClient(
        url=f"{base}/.well-known/caldav",
        username=agent.username,
        password=secret,
        require_tls=False,
    )


def _named(client: caldav.DAVClient, name: str) -> caldav.Calendar | None:
    for calendar in client.principal().calendars():
        if calendar.get_display_name() == name:
            return calendar
    return None


def test_members_sync_the_workspace_calendar_by_their_role(
    asgi_live_server,  # noqa: F811
    agent_voirie,
    agent_finances,
    elu,
    maire,
):
    works = do_create_workspace(agent_voirie, "Rénovation de l'école", blueprint="projet-travaux")
    do_add_member(agent_voirie, works, agent_finances, CONTRIBUTOR)
    do_add_member(agent_voirie, works, elu, READER)
    name = Calendar.objects.get(workspace_link__workspace=works).name

    contributor = _named(_client(asgi_live_server, agent_finances), name)
    assert contributor is not None, "the contributor's CalDAV home lists the workspace calendar"
    contributor.save_event(MEETING.format(uid="chantier-1", summary="Point chantier"))

    reader = _named(_client(asgi_live_server, elu), name)
    assert reader is not None
    assert [str(e.icalendar_component["SUMMARY"]) for e in reader.search(event=True)] == [
        "Point chantier"
    ]
    with pytest.raises((AuthorizationError, PutError)):
        reader.save_event(MEETING.format(uid="elu-1", summary="Visite de l'élu"))
    assert len(reader.search(event=True)) == 1

    outsider = _client(asgi_live_server, maire)
    assert _named(outsider, name) is None
    with pytest.raises((NotFoundError, AuthorizationError)):
        caldav.Calendar(client=outsider, url=contributor.url).search(event=True)
