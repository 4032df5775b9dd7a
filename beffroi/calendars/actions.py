"""Every write to calendars: one transaction each, the calendar's revision bumped with it.

Creating and deleting a calendar is audited; event writes are not (they are the agent's own
agenda, and numerous), but each bumps the revision and logs a ``Change`` for sync tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.audit.actions import record
from beffroi.calendars import booking, calendar_data, compose, itip, scheduling, search
from beffroi.calendars.models import (
    DEFAULT_TIMEZONE,
    BookingStatus,
    Calendar,
    CalendarShare,
    Change,
    DepartmentCalendar,
    Event,
    Resource,
    WorkspaceCalendar,
)
from beffroi.calendars.policies import abilities
from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed, NotFound
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.workspaces.activity import record_activity
from beffroi.workspaces.models import Workspace

DEFAULT_CALENDAR_SLUG = "agenda"
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f/\\]")


class StaleVersion(BeffroiError):
    """The client's idea of the object (If-Match, If-None-Match) is no longer true."""

    code = "version_perimee"
    http_status = 412
    default_message = gettext_lazy(
        "L'événement a été modifié entre-temps : rechargez-le avant de l'enregistrer."
    )


class UidConflict(InvalidInput):
    code = "uid_deja_utilise"
    http_status = 409


class CalendarExists(InvalidInput):
    code = "agenda_existant"
    http_status = 409


@dataclass(frozen=True)
class PutResult:
    event: Event
    created: bool
    altered: bool = False


def do_ensure_default_calendar(agent: Agent) -> Calendar:
    """The agent's "Agenda", created the first time a client or page looks for it."""
    # Resource and department calendars may be owned by the agent who manages them: not theirs.
    existing = (
        Calendar.objects.filter(owner=agent, resource__isnull=True, department_link__isnull=True)
        .order_by("created_at")
        .first()
    )
    if existing is not None:
        return existing
    with transaction.atomic():
        calendar, created = Calendar.objects.get_or_create(
            owner=agent, slug=DEFAULT_CALENDAR_SLUG, defaults={"name": _("Agenda")}
        )
        if created:
            record(
                "calendars.calendar_created",
                actor=agent,
                target=calendar,
                details={"slug": calendar.slug, "default": True},
            )
    return calendar


def do_create_calendar(
    agent: Agent,
    *,
    slug: str,
    name: str = "",
    colour: str | None = None,
    timezone: str | None = None,
    address: str | None = None,
) -> Calendar:
    if not _SLUG.fullmatch(slug):
        raise InvalidInput(fields={"slug": [_("Cet identifiant d'agenda n'est pas valide.")]})
    fields = _checked_fields(name=name or slug, colour=colour, timezone=timezone)
    with transaction.atomic():
        if Calendar.objects.filter(owner=agent, slug=slug).exists():
            raise CalendarExists(fields={"slug": [_("Un agenda porte déjà cet identifiant.")]})
        calendar = Calendar.objects.create(
            owner=agent,
            slug=slug,
            name=fields.get("name", slug),
            colour=fields.get("colour", "#3465a4"),
            timezone=fields.get("timezone", DEFAULT_TIMEZONE),
        )
        record(
            "calendars.calendar_created",
            actor=agent,
            target=calendar,
            address=address,
            details={"slug": slug, "name": calendar.name},
        )
        _publish(calendar)
    return calendar


def do_update_calendar(
    agent: Agent,
    calendar: Calendar,
    *,
    name: str | None = None,
    colour: str | None = None,
    timezone: str | None = None,
) -> Calendar:
    if not abilities(agent, calendar).manage:
        raise NotAllowed()
    fields = _checked_fields(name=name, colour=colour, timezone=timezone)
    with transaction.atomic():
        locked = Calendar.objects.select_for_update().get(pk=calendar.pk)
        for field, value in fields.items():
            setattr(locked, field, value)
        locked.revision += 1
        locked.save()
        _publish(locked)
    return locked


def do_delete_calendar(agent: Agent, calendar: Calendar, *, address: str | None = None) -> None:
    if not abilities(agent, calendar).manage or Resource.objects.filter(calendar=calendar).exists():
        raise NotAllowed()
    with transaction.atomic():
        record(
            "calendars.calendar_deleted",
            actor=agent,
            target=calendar,
            address=address,
            details={
                "slug": calendar.slug,
                "name": calendar.name,
                "events": calendar.events.count(),
            },
        )
        _publish(calendar)
        search.events_removed(calendar.events.values_list("pk", flat=True))
        calendar.delete()


def do_put_event(
    agent: Agent,
    calendar: Calendar,
    name: str,
    data: bytes | str,
    *,
    if_match: str | None = None,
    if_none_match: bool = False,
) -> PutResult:
    """Create or replace the object ``name`` of the calendar, and schedule it.

    ``if_match`` is the ETag the client last saw (the write fails if it changed since);
    ``if_none_match`` asks to create only (it fails if the name is taken). When the owner
    organizes the object, attendees get their copies and resources book themselves (a resource
    already taken refuses the whole save with ``BookingConflict``); when the owner attends, their
    answer reaches the organizer's copy (``scheduling``). ``PutResult.altered`` says the server
    stored other bytes than the client's (delivery statuses, resources' answers).
    """
    if not abilities(agent, calendar).write_events:
        raise NotAllowed()
    _check_name(name)
    checked = calendar_data.parse_calendar_object(data, timezone=calendar.timezone)
    with transaction.atomic():
        locked = Calendar.objects.select_for_update().get(pk=calendar.pk)
        event = Event.objects.filter(calendar=locked, name=name).first()
        _check_versions(event, if_match=if_match, if_none_match=if_none_match)
        other = Event.objects.filter(calendar=locked, uid=checked.uid).exclude(name=name)
        if other.exists():
            raise UidConflict(
                _("Un autre événement de cet agenda porte déjà cet identifiant (UID)."),
                fields={"uid": [checked.uid]},
            )
        created = event is None
        status = event.booking_status if event is not None else ""
        resource = Resource.objects.filter(calendar=locked).first()
        if resource is not None:
            booking.check_free(
                resource,
                checked.text,
                checked.uid,
                starts_at=checked.starts_at,
                recurring=checked.recurring,
            )
            status = status or BookingStatus.ACCEPTED
        role = scheduling.role_of(locked, itip.load(checked.text))
        if role == "none" and event is not None:
            # Every attendee removed: they still hear that the meeting is off for them.
            before = scheduling.role_of(locked, itip.load(event.data))
            role = "organizer" if before == "organizer" else role
        stored = checked
        if role == "organizer":
            outcome = scheduling.organizer_saved(
                locked,
                checked,
                event.data if event is not None else None,
                writer=WRITER,
                sender=agent,
            )
            if outcome.text is not None and outcome.text != checked.text:
                stored = calendar_data.parse_calendar_object(outcome.text, timezone=locked.timezone)
        event = _store_event(locked, name, stored, event, status)
        link = WorkspaceCalendar.objects.filter(calendar=locked).first()
        if created and link is not None:
            record_activity(
                link.workspace_id,
                agent,
                "event_created",
                search.public_summary(event.data),
                reverse("agenda:agenda"),
            )
        if role == "attendee":
            scheduling.attendee_saved(locked, checked, writer=WRITER)
    return PutResult(event=event, created=created, altered=stored is not checked)


def do_delete_event(
    agent: Agent, calendar: Calendar, name: str, *, if_match: str | None = None
) -> None:
    """Delete the object; an organizer's deletion cancels the meeting for its attendees and
    frees its resources, an attendee's deletion declines it."""
    if not abilities(agent, calendar).write_events:
        raise NotAllowed()
    with transaction.atomic():
        locked = Calendar.objects.select_for_update().get(pk=calendar.pk)
        event = Event.objects.filter(calendar=locked, name=name).first()
        if event is None:
            raise NotFound()
        _check_versions(event, if_match=if_match, if_none_match=False)
        role = scheduling.role_of(locked, itip.load(event.data))
        resource = Resource.objects.filter(calendar=locked).first()
        _remove_event(event)
        if role == "organizer":
            scheduling.organizer_deleted(event, writer=WRITER, sender=agent)
        elif role == "attendee":
            scheduling.attendee_deleted(event, writer=WRITER)
        elif resource is not None:
            scheduling.resource_answered(event, resource, "DECLINED", writer=WRITER)


def _store_event(
    calendar: Calendar,
    name: str,
    checked: calendar_data.CalendarObject,
    event: Event | None,
    booking_status: str,
) -> Event:
    """Write one object into a calendar whose row the caller locked."""
    if event is None:
        event = Event(calendar=calendar, name=name)
    event.uid = checked.uid
    event.component = checked.component
    event.data = checked.text
    event.etag = checked.etag
    event.starts_at = checked.starts_at
    event.ends_at = checked.ends_at
    event.recurring = checked.recurring
    event.booking_status = booking_status
    event.save()
    _log_change(calendar, name, checked.uid, deleted=False)
    search.event_changed(event)
    return event


def _remove_event(event: Event) -> None:
    """Delete one object of a calendar whose row the caller locked."""
    calendar = Calendar.objects.get(pk=event.calendar_id)
    name, uid = event.name, event.uid
    Event.objects.filter(pk=event.pk).delete()
    _log_change(calendar, name, uid, deleted=True)
    search.events_removed([event.pk])


def _lock_and_ensure(agent: Agent) -> Calendar:
    return do_ensure_default_calendar(agent)


WRITER = scheduling.Writer(
    store=_store_event, remove=_remove_event, ensure_calendar=_lock_and_ensure
)


def _check_versions(event: Event | None, *, if_match: str | None, if_none_match: bool) -> None:
    if if_none_match and event is not None:
        raise StaleVersion(_("Un événement existe déjà à cette adresse."))
    if if_match is not None and if_match != "*" and (event is None or event.etag != if_match):
        raise StaleVersion()
    if if_match == "*" and event is None:
        raise StaleVersion()


def _check_name(name: str) -> None:
    if not name or len(name) > 255 or name.startswith(".") or _CONTROL.search(name):
        raise InvalidInput(fields={"name": [_("Ce nom de ressource n'est pas valide.")]})


def _checked_fields(
    *, name: str | None, colour: str | None, timezone: str | None
) -> dict[str, str]:
    fields: dict[str, str] = {}
    if name is not None:
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput(
                fields={"name": [_("Le nom de l'agenda doit faire 1 à 200 caractères.")]}
            )
        fields["name"] = name
    if colour is not None:
        if not _COLOUR.fullmatch(colour):
            raise InvalidInput(fields={"colour": [_("Cette couleur n'est pas valide.")]})
        fields["colour"] = colour
    if timezone is not None:
        if not calendar_data.is_known_timezone(timezone):
            raise InvalidInput(fields={"timezone": [_("Ce fuseau horaire est inconnu.")]})
        fields["timezone"] = timezone
    return fields


def _log_change(calendar: Calendar, name: str, uid: str, *, deleted: bool) -> None:
    """Bump the revision (the calendar row is locked by the caller) and log the change."""
    calendar.revision += 1
    calendar.save(update_fields=["revision", "updated_at"])
    Change.objects.update_or_create(
        calendar=calendar,
        name=name,
        defaults={"uid": uid, "revision": calendar.revision, "deleted": deleted},
    )
    _publish(calendar)


def _publish(calendar: Calendar) -> None:
    payload: dict[str, Any] = {"calendar": str(calendar.pk), "revision": calendar.revision}
    publish_on_commit([agent_group(calendar.owner_id)], "calendar.changed", payload)


# --- events from fields, invitations ----------------------------------------------------------


def do_save_event_fields(
    agent: Agent,
    calendar: Calendar,
    fields: compose.EventFields,
    *,
    event: Event | None = None,
    if_match: str | None = None,
) -> PutResult:
    """Create (``event`` None) or update an event described by fields (the API's way in; the
    web's form speaks the same ``compose.EventFields``). It becomes iCalendar text and goes
    through ``do_put_event`` (scheduling, resource conflicts) exactly as a CalDAV client's
    would. With attendees and no organizer, the calendar's owner organizes."""
    if fields.attendees and fields.organizer is None and calendar.owner.email:
        owner = calendar.owner
        fields = replace(
            fields,
            organizer=compose.Attendee(
                email=owner.email, name=owner.display_name, partstat="ACCEPTED"
            ),
        )
    text = compose.compose_event(
        fields,
        timezone=calendar.timezone,
        previous=event.data if event is not None else None,
    )
    if event is None:
        uid = str(itip.load(text).walk("VEVENT")[0]["UID"])
        return do_put_event(agent, calendar, f"{uid}.ics", text, if_none_match=True)
    return do_put_event(agent, calendar, event.name, text, if_match=if_match or event.etag)


def do_answer_invitation(agent: Agent, event: Event, partstat: str) -> PutResult:
    """The owner of ``event`` (a delivered copy) accepts, declines or tentatively accepts it; the
    answer reaches the organizer's copy."""
    if partstat not in ("ACCEPTED", "DECLINED", "TENTATIVE"):
        raise InvalidInput(fields={"partstat": [_("Réponse inconnue.")]})
    calendar = event.calendar
    me = (calendar.owner.email or "").lower()
    parsed = itip.load(event.data)
    if scheduling.role_of(calendar, parsed) != "attendee":
        raise InvalidInput(_("Cet événement n'est pas une invitation à laquelle répondre."))
    itip.set_attendee(parsed, me, partstat=partstat)
    return do_put_event(agent, calendar, event.name, itip.dump(parsed), if_match=event.etag)


# --- sharing ----------------------------------------------------------------------------------


def do_share_calendar(
    agent: Agent,
    calendar: Calendar,
    role: str,
    *,
    to_agent: Agent | None = None,
    to_group: AgentGroup | None = None,
    to_department: Department | None = None,
) -> CalendarShare:
    """Open the calendar to one agent, group or department with ``role`` (replacing the role
    that grantee had)."""
    if not abilities(agent, calendar).manage:
        raise NotAllowed()
    if role not in CalendarShare.Role.values:
        raise InvalidInput(fields={"role": [_("Rôle de partage inconnu.")]})
    grantees = [item for item in (to_agent, to_group, to_department) if item is not None]
    if len(grantees) != 1:
        raise InvalidInput(_("Partagez avec un agent, un groupe ou un service à la fois."))
    if to_agent is not None and to_agent.pk == calendar.owner_id:
        raise InvalidInput(_("L'agenda appartient déjà à cette personne."))
    with transaction.atomic():
        share, _created = CalendarShare.objects.update_or_create(
            calendar=calendar,
            agent=to_agent,
            group=to_group,
            department=to_department,
            defaults={"role": role},
        )
        record(
            "calendars.calendar_shared",
            actor=agent,
            target=calendar,
            details={"grantee": str(grantees[0]), "role": role},
        )
        _publish(calendar)
    return share


def do_unshare_calendar(agent: Agent, share: CalendarShare) -> None:
    if not abilities(agent, share.calendar).manage:
        raise NotAllowed()
    with transaction.atomic():
        record(
            "calendars.calendar_unshared",
            actor=agent,
            target=share.calendar,
            details={"share": str(share.pk), "role": share.role},
        )
        share.delete()


def do_ensure_department_calendar(acting: Agent, department: Department) -> Calendar:
    """The department's calendar (its members edit it, its managers manage it), created owned
    by ``acting`` (an administrator) the first time."""
    existing = DepartmentCalendar.objects.filter(department=department).first()
    if existing is not None:
        return existing.calendar
    if not acting.is_superuser:
        raise NotAllowed()
    with transaction.atomic():
        calendar = Calendar.objects.create(
            owner=acting,
            slug=f"service-{department.code.lower()}",
            name=_("Agenda du service %(name)s") % {"name": department.name},
        )
        DepartmentCalendar.objects.create(department=department, calendar=calendar)
        record(
            "calendars.department_calendar_created",
            actor=acting,
            target=calendar,
            details={"department": department.code},
        )
    return calendar


def do_ensure_workspace_calendar(acting: Agent, workspace: Workspace) -> Calendar:
    """The workspace's calendar, created owned by ``acting`` (its creator) the first time."""
    existing = WorkspaceCalendar.objects.filter(workspace=workspace).first()
    if existing is not None:
        return existing.calendar
    with transaction.atomic():
        calendar = Calendar.objects.create(
            owner=acting, slug=f"espace-{workspace.slug}"[:100], name=workspace.name
        )
        WorkspaceCalendar.objects.create(workspace=workspace, calendar=calendar)
    return calendar


# --- resources and bookings -------------------------------------------------------------------


def do_create_resource(
    acting: Agent,
    *,
    slug: str,
    name: str,
    kind: str,
    email: str,
    capacity: int = 0,
    equipment: list[str] | None = None,
    building: str = "",
    policy: str = Resource.Policy.AUTO_ACCEPT,
    manager: Agent | None = None,
) -> Resource:
    """A bookable room, vehicle or piece of equipment, with its calendar (owned by its manager,
    or by the administrator creating it)."""
    if not acting.is_superuser:
        raise NotAllowed()
    if kind not in Resource.Kind.values or policy not in Resource.Policy.values:
        raise InvalidInput(fields={"kind": [_("Type ou règle de réservation inconnus.")]})
    if policy == Resource.Policy.APPROVAL and manager is None:
        raise InvalidInput(
            fields={"manager": [_("Une réservation soumise à accord demande un gestionnaire.")]}
        )
    with transaction.atomic():
        if Resource.objects.filter(slug=slug).exists():
            raise InvalidInput(fields={"slug": [_("Une ressource porte déjà cet identifiant.")]})
        calendar = Calendar.objects.create(
            owner=manager or acting, slug=f"ressource-{slug}", name=name
        )
        resource = Resource.objects.create(
            slug=slug,
            name=name,
            kind=kind,
            email=email.lower(),
            capacity=capacity,
            equipment=list(equipment or []),
            building=building,
            policy=policy,
            manager=manager,
            calendar=calendar,
        )
        record(
            "calendars.resource_created",
            actor=acting,
            target=resource,
            details={"slug": slug, "kind": kind, "policy": policy},
        )
    return resource


def do_decide_booking(agent: Agent, event: Event, *, approve: bool) -> None:
    """The resource's manager approves or declines a pending booking; the organizer's copy
    shows the answer, and a declined booking leaves the resource's calendar."""
    resource = Resource.objects.filter(calendar_id=event.calendar_id).first()
    if resource is None or resource.manager_id != agent.pk:
        raise NotFound()
    if event.booking_status != BookingStatus.PENDING:
        raise InvalidInput(_("Cette réservation n'attend pas d'accord."))
    with transaction.atomic():
        locked = Calendar.objects.select_for_update().get(pk=resource.calendar_id)
        current = Event.objects.get(pk=event.pk)
        answer = "ACCEPTED" if approve else "DECLINED"
        if approve:
            parsed = itip.load(current.data)
            itip.set_attendee(parsed, resource.email.lower(), partstat=answer)
            checked = calendar_data.parse_calendar_object(
                itip.dump(parsed), timezone=locked.timezone
            )
            _store_event(locked, current.name, checked, current, BookingStatus.ACCEPTED)
        else:
            _remove_event(current)
        scheduling.resource_answered(current, resource, answer, writer=WRITER)
        record(
            "calendars.booking_approved" if approve else "calendars.booking_declined",
            actor=agent,
            target=resource,
            details={"uid": current.uid, "summary": itip.summary(itip.load(current.data))},
        )
