"""The calendars of Ville-Exemple for ``beffroi demo seed``: rooms and vehicles, department
calendars, the mayor's agenda managed by her secretary, the municipal council and weekly service
meetings. Everything goes through the actions (scheduling delivers the invitations)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from beffroi.calendars import actions, compose
from beffroi.calendars.models import Resource
from beffroi.directory.demo import DOMAIN, DemoCommune
from beffroi.directory.models import Agent

MAYOR = "claire.dubois"
DGS = "nathalie.girard"
TECHNICAL_DIRECTOR = "michel.garnier"


def _next_monday() -> dt.date:
    today = django_timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def _people(*agents: Agent) -> tuple[compose.Attendee, ...]:
    return tuple(compose.Attendee(email=a.email, name=a.display_name) for a in agents if a.email)


def _head_of(commune: DemoCommune, code: str) -> Agent | None:
    department = commune.departments[code]
    membership = department.memberships.filter(is_manager=True).select_related("agent").first()
    return membership.agent if membership is not None else None


def seed_calendars(commune: DemoCommune) -> None:
    admin = commune.administrator
    agents = commune.agents
    mayor, dgs = agents[MAYOR], agents[DGS]
    civil_head = _head_of(commune, "ETAT-CIVIL")
    council = actions.do_create_resource(
        admin,
        slug="salle-du-conseil",
        name="La salle du conseil",
        kind=Resource.Kind.ROOM,
        email=f"salle-du-conseil@{DOMAIN}",
        capacity=60,
        equipment=["Vidéoprojecteur", "Sonorisation", "Visioconférence"],
        building="Hôtel de ville",
    )
    weddings = actions.do_create_resource(
        admin,
        slug="salle-des-mariages",
        name="La salle des mariages",
        kind=Resource.Kind.ROOM,
        email=f"salle-des-mariages@{DOMAIN}",
        capacity=80,
        equipment=["Sonorisation"],
        building="Hôtel de ville",
        policy=Resource.Policy.APPROVAL,
        manager=civil_head,
    )
    van = actions.do_create_resource(
        admin,
        slug="kangoo-services-techniques",
        name="Le Kangoo des services techniques",
        kind=Resource.Kind.VEHICLE,
        email=f"kangoo@{DOMAIN}",
        capacity=2,
        building="Centre technique municipal",
    )
    actions.do_create_resource(
        admin,
        slug="clio-service",
        name="La Clio de service",
        kind=Resource.Kind.VEHICLE,
        email=f"clio@{DOMAIN}",
        capacity=5,
        building="Hôtel de ville",
        policy=Resource.Policy.APPROVAL,
        manager=agents[TECHNICAL_DIRECTOR],
    )
    commune.say(_("  4 ressources (2 salles, 2 véhicules)"))

    for department in commune.departments.values():
        actions.do_ensure_department_calendar(admin, department)

    mayors = actions.do_ensure_default_calendar(mayor)
    secretary = (
        Agent.objects.filter(memberships__department=commune.departments["CABINET"])
        .filter(job_title__startswith="Secrétaire")
        .first()
    )
    if secretary is not None:
        actions.do_share_calendar(mayor, mayors, "manager", to_agent=secretary)
    actions.do_share_calendar(mayor, mayors, "reader", to_agent=dgs)

    monday = _next_monday()
    elected = list(Agent.objects.filter(kind=Agent.Kind.ELECTED).exclude(pk=mayor.pk))
    actions.do_save_event_fields(
        mayor,
        mayors,
        compose.EventFields(
            summary="Conseil municipal",
            start=_at(monday + dt.timedelta(days=3), 18, 30),
            end=_at(monday + dt.timedelta(days=3), 21, 0),
            location="Salle du conseil",
            frequency="MONTHLY",
            count=10,
            attendees=(*_people(*elected, dgs), compose.Attendee(council.email, council.name)),
        ),
    )
    actions.do_save_event_fields(
        mayor,
        mayors,
        compose.EventFields(
            summary="Rendez-vous personnel",
            start=_at(monday + dt.timedelta(days=1), 12, 0),
            end=_at(monday + dt.timedelta(days=1), 14, 0),
            privacy="PRIVATE",
        ),
    )
    meetings = 0
    for number, code in enumerate(commune.departments):
        head = _head_of(commune, code)
        if head is None:
            continue
        members = list(
            Agent.objects.filter(memberships__department=commune.departments[code])
            .exclude(pk=head.pk)
            .order_by("username")[:6]
        )
        hour = 8 + number % 4
        actions.do_save_event_fields(
            head,
            actions.do_ensure_default_calendar(head),
            compose.EventFields(
                summary=f"Réunion de service — {commune.departments[code].name}",
                start=_at(monday + dt.timedelta(days=number // 4), hour),
                end=_at(monday + dt.timedelta(days=number // 4), hour, 45),
                frequency="WEEKLY",
                attendees=_people(*members),
            ),
        )
        meetings += 1
    commune.say(
        _("  conseil municipal mensuel, %(n)s réunions de service hebdomadaires") % {"n": meetings}
    )

    registrar = (
        Agent.objects.filter(
            memberships__department=commune.departments["ETAT-CIVIL"],
            memberships__is_manager=False,
        )
        .order_by("username")
        .first()
    )
    if registrar is not None:
        # Waits for the head of civil status to approve the room.
        actions.do_save_event_fields(
            registrar,
            actions.do_ensure_default_calendar(registrar),
            compose.EventFields(
                summary="Mariage Durand – Haddad",
                start=_at(monday + dt.timedelta(days=5), 15, 0),
                end=_at(monday + dt.timedelta(days=5), 16, 0),
                attendees=(
                    compose.Attendee(mayor.email, mayor.display_name),
                    compose.Attendee(weddings.email, weddings.name),
                ),
            ),
        )
    technician = agents.get("karim.benali")
    if technician is not None:
        actions.do_save_event_fields(
            technician,
            actions.do_ensure_default_calendar(technician),
            compose.EventFields(
                summary="Tournée de voirie",
                start=_at(monday + dt.timedelta(days=2), 8, 0),
                end=_at(monday + dt.timedelta(days=2), 12, 0),
                attendees=(compose.Attendee(van.email, van.name),),
            ),
        )
