"""`beffroi demo seed` fills the calendars: rooms, vehicles, the council, service meetings."""

from __future__ import annotations

import pytest

from beffroi.calendars import access
from beffroi.calendars.models import BookingStatus, Calendar, Event, Resource
from beffroi.directory.actions import do_create_first_administrator
from beffroi.directory.models import Agent
from beffroi.directory.tests.test_demo_seed import seed


@pytest.mark.django_db
def test_demo_seed_adds_rooms_vehicles_council_and_service_meetings():
    do_create_first_administrator()
    printed = seed()
    assert "Données de démonstration : agendas" in printed
    assert sorted(Resource.objects.values_list("slug", flat=True)) == [
        "clio-service",
        "kangoo-services-techniques",
        "salle-des-mariages",
        "salle-du-conseil",
    ]
    council = Resource.objects.get(slug="salle-du-conseil")
    assert Event.objects.filter(calendar=council.calendar, booking_status="accepted").count() == 1
    mayor = Agent.objects.get(username="claire.dubois")
    adjoint = Agent.objects.get(username="jean.leroy")
    # The council reached an elected official's agenda.
    assert Event.objects.filter(calendar__owner=adjoint, data__contains="Conseil municipal")
    meetings = Event.objects.filter(data__contains="Réunion de service", recurring=True)
    assert meetings.count() >= 12
    # The wedding waits for the head of civil status.
    weddings = Resource.objects.get(slug="salle-des-mariages")
    pending = Event.objects.get(calendar=weddings.calendar)
    assert pending.booking_status == BookingStatus.PENDING
    assert access.access_pending_bookings(weddings.manager) == [pending]
    # The secretary manages the mayor's agenda; department calendars exist.
    shared = Calendar.objects.get(owner=mayor, slug="agenda").shares.get(role="manager")
    assert shared.agent is not None
    assert shared.agent.job_title.startswith("Secrétaire")
    assert Calendar.objects.filter(department_link__isnull=False).count() == 12
