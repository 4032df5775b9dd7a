"""Calendars shared with a role: the assistant manages the mayor's agenda, a reader sees private
events as "busy", a free/busy share shows only busy time, department members edit their
department's calendar; shared calendars appear in the sharee's CalDAV home."""

from __future__ import annotations

import pytest
from defusedxml.ElementTree import fromstring

from beffroi.calendars import access, actions
from beffroi.calendars.models import CalendarShare
from beffroi.calendars.policies import abilities
from beffroi.calendars.tests.samples import event_text
from beffroi.calendars.tests.test_caldav_requests import dav
from beffroi.core.errors import NotAllowed, NotFound
from beffroi.directory.actions import do_create_app_password
from beffroi.directory.models import AgentGroup

pytestmark = pytest.mark.django_db

NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav"}
PRIVATE = event_text("rdv-medecin", "Rendez-vous médical", extra=("CLASS:PRIVATE",))
PUBLIC = event_text("conseil", "Conseil municipal", "20261202T183000", "20261202T210000")


@pytest.fixture
def mayors_agenda(maire):
    calendar = actions.do_ensure_default_calendar(maire)
    actions.do_put_event(maire, calendar, "rdv.ics", PRIVATE)
    actions.do_put_event(maire, calendar, "conseil.ics", PUBLIC)
    return calendar


def secret_of(agent) -> str:
    return do_create_app_password(agent, "agenda", ["calendars"])[1]


def test_the_assistant_manages_the_mayors_agenda_over_caldav(maire, agent_voirie, mayors_agenda):
    """Shared as manager: listed in the assistant's home, private details visible, writable."""
    actions.do_share_calendar(maire, mayors_agenda, "manager", to_agent=agent_voirie)
    secret = secret_of(agent_voirie)

    home = dav("PROPFIND", "/agent.voirie/", secret, depth="1")
    hrefs = [n.text for n in fromstring(home.body).iterfind(".//D:response/D:href", NS)]
    assert "/dav/cal/agent.voirie/maire~agenda/" in hrefs

    fetched = dav("GET", "/agent.voirie/maire~agenda/rdv.ics", secret)
    assert "Rendez-vous médical" in fetched.body.decode()
    written = dav(
        "PUT",
        "/agent.voirie/maire~agenda/visite.ics",
        secret,
        event_text("visite", "Visite d'école", "20261203T100000", "20261203T110000"),
    )
    assert written.status == 201
    assert mayors_agenda.events.filter(uid="visite").exists()


def test_a_reader_sees_private_events_as_busy(maire, agent_voirie, mayors_agenda):
    group = AgentGroup.objects.create(name="Cabinet")
    group.members.add(agent_voirie)
    actions.do_share_calendar(maire, mayors_agenda, "reader", to_group=group)
    secret = secret_of(agent_voirie)

    private = dav("GET", "/agent.voirie/maire~agenda/rdv.ics", secret).body.decode()
    public = dav("GET", "/agent.voirie/maire~agenda/conseil.ics", secret).body.decode()

    assert "Rendez-vous médical" not in private
    assert "SUMMARY:Occupé" in private
    assert "DTSTART;TZID=Europe/Paris:20261201T183000" in private
    assert "Conseil municipal" in public
    refused = dav("PUT", "/agent.voirie/maire~agenda/x.ics", secret, event_text("x"))
    assert refused.status == 403


def test_free_busy_share_answers_only_the_free_busy_query(maire, agent_voirie, mayors_agenda):
    actions.do_share_calendar(maire, mayors_agenda, "free_busy", to_agent=agent_voirie)
    secret = secret_of(agent_voirie)
    assert dav("GET", "/maire/agenda/conseil.ics", secret).status == 404
    answer = dav(
        "REPORT",
        "/maire/agenda/",
        secret,
        """<?xml version="1.0" encoding="utf-8"?>
<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
  <C:time-range start="20261201T000000Z" end="20261203T000000Z"/>
</C:free-busy-query>""",
        depth="1",
    )
    assert answer.status == 200
    text = answer.body.decode()
    assert "BEGIN:VFREEBUSY" in text
    assert "FREEBUSY;FBTYPE=BUSY;VALUE=PERIOD:20261201T173000Z/20261201T200000Z" in text
    assert "FREEBUSY;FBTYPE=BUSY;VALUE=PERIOD:20261202T173000Z/20261202T200000Z" in text
    assert "Rendez-vous" not in text
    assert "Conseil" not in text


def test_department_members_edit_their_departments_calendar(
    maire, agent_voirie, agent_finances, voirie
):
    calendar = actions.do_ensure_department_calendar(maire, voirie)
    assert abilities(agent_voirie, calendar).write_events
    assert not abilities(agent_finances, calendar).read
    assert calendar in [c for c, _ in access.access_visible_calendars(agent_voirie)]
    actions.do_put_event(agent_voirie, calendar, "astreinte.ics", event_text("astreinte"))
    with pytest.raises(NotAllowed):
        actions.do_put_event(agent_finances, calendar, "x.ics", event_text("x"))


def test_only_the_owner_shares_and_guests_see_nothing(
    maire, agent_voirie, invite_externe, mayors_agenda
):
    with pytest.raises(NotAllowed):
        actions.do_share_calendar(agent_voirie, mayors_agenda, "reader", to_agent=agent_voirie)
    assert not abilities(invite_externe, mayors_agenda).see_free_busy
    with pytest.raises(NotFound):
        access.access_free_busy(invite_externe, mayors_agenda, *_december_first())
    share = actions.do_share_calendar(maire, mayors_agenda, "editor", to_agent=agent_voirie)
    assert share.role == CalendarShare.Role.EDITOR
    actions.do_unshare_calendar(maire, share)
    assert not abilities(agent_voirie, mayors_agenda).read


def _december_first():
    import datetime as dt

    return dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
