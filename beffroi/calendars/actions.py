"""Every write to calendars: one transaction each, the calendar's revision bumped with it.

Creating and deleting a calendar is audited; event writes are not (they are the agent's own
agenda, and numerous), but each bumps the revision and logs a ``Change`` for sync tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.audit.actions import record
from beffroi.calendars import calendar_data
from beffroi.calendars.models import DEFAULT_TIMEZONE, Calendar, Change, Event
from beffroi.calendars.policies import abilities
from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed, NotFound
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory.models import Agent

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


def do_ensure_default_calendar(agent: Agent) -> Calendar:
    """The agent's "Agenda", created the first time a client or page looks for it."""
    existing = Calendar.objects.filter(owner=agent).order_by("created_at").first()
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
    if not abilities(agent, calendar).manage:
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
    """Create or replace the object ``name`` of the calendar.

    ``if_match`` is the ETag the client last saw (the write fails if it changed since);
    ``if_none_match`` asks to create only (it fails if the name is taken).
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
        if event is None:
            event = Event(calendar=locked, name=name)
        event.uid = checked.uid
        event.component = checked.component
        event.data = checked.text
        event.etag = checked.etag
        event.starts_at = checked.starts_at
        event.ends_at = checked.ends_at
        event.recurring = checked.recurring
        event.save()
        _log_change(locked, name, checked.uid, deleted=False)
    return PutResult(event=event, created=created)


def do_delete_event(
    agent: Agent, calendar: Calendar, name: str, *, if_match: str | None = None
) -> None:
    if not abilities(agent, calendar).write_events:
        raise NotAllowed()
    with transaction.atomic():
        locked = Calendar.objects.select_for_update().get(pk=calendar.pk)
        event = Event.objects.filter(calendar=locked, name=name).first()
        if event is None:
            raise NotFound()
        _check_versions(event, if_match=if_match, if_none_match=False)
        event.delete()
        _log_change(locked, name, event.uid, deleted=True)


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
