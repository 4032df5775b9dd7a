"""Reads of the audit trail for a given person: the whole trail for administrators, their own
security events for an agent."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from beffroi.audit.labels import SECURITY_ACTIONS
from beffroi.audit.models import AuditEvent
from beffroi.core.errors import NotFound
from beffroi.directory import policies
from beffroi.directory.models import Agent

AGENT_TARGET = Agent._meta.label_lower
# Details that name a target other than an agent (a token's label, an application's name).
_NAMING_DETAILS = ("name", "label", "application")
# Failed attempts carry the username as typed, since nobody is signed in to be the actor.
_ATTEMPTS_ON_USERNAME = ("directory.sign_in_failed", "directory.second_factor_failed")


@dataclass(frozen=True)
class AuditFilters:
    """What an administrator narrows the trail to. Dates are whole days in local time."""

    agent: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _concerning(username: str) -> Q:
    """Events by this agent, about this agent, or attempts on their username."""
    concerning = Q(actor_label__iexact=username) | Q(
        action__in=_ATTEMPTS_ON_USERNAME, details__username__iexact=username
    )
    agent = Agent.objects.filter(username__iexact=username).first()
    if agent is not None:
        concerning |= Q(actor_id=agent.pk) | Q(target_type=AGENT_TARGET, target_id=str(agent.pk))
    return concerning


def access_audit_events(
    user: Agent | AnonymousUser, filters: AuditFilters = AuditFilters()
) -> QuerySet[AuditEvent]:
    """The trail, newest first, narrowed by ``filters``: for organisation administrators only
    (anyone else gets the same ``NotFound`` as for a page that does not exist)."""
    if not policies.is_administrator(user):
        raise NotFound()
    events = AuditEvent.objects.order_by("-id")
    if filters.agent.strip():
        events = events.filter(_concerning(filters.agent.strip()))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.since is not None:
        events = events.filter(created_at__gte=_start_of(filters.since))
    if filters.until is not None:
        events = events.filter(created_at__lt=_start_of(filters.until + timedelta(days=1)))
    return events


def access_own_security_events(user: Agent | AnonymousUser) -> QuerySet[AuditEvent]:
    """An agent's own security events, newest first: sign-ins and failed ones on their
    username, second factors, sessions, passwords, tokens and app passwords, applications
    they signed in to. Things they did to others are not theirs to see here."""
    if not isinstance(user, Agent) or not user.can_sign_in:
        return AuditEvent.objects.none()
    own_id = str(user.pk)
    theirs = (
        Q(target_type=AGENT_TARGET, target_id=own_id)
        | (~Q(target_type=AGENT_TARGET) & Q(actor_id=user.pk))
        | Q(action__in=_ATTEMPTS_ON_USERNAME, details__username__iexact=user.username)
    )
    return AuditEvent.objects.filter(action__in=SECURITY_ACTIONS).filter(theirs).order_by("-id")


def target_names(events: Iterable[AuditEvent]) -> dict[int, str]:
    """A readable name for each event's target: an agent's username (one query for all the
    events), else the name the event's details give it (a token's or application's name)."""
    events = list(events)
    agent_ids = set()
    for event in events:
        if event.target_type == AGENT_TARGET:
            try:
                agent_ids.add(uuid.UUID(event.target_id))
            except ValueError:
                continue
    usernames = {
        str(pk): username
        for pk, username in Agent.objects.filter(pk__in=agent_ids).values_list("pk", "username")
    }
    names: dict[int, str] = {}
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        named = next(
            (str(details[key]) for key in _NAMING_DETAILS if isinstance(details.get(key), str)),
            "",
        )
        if not event.target_type:
            names[event.id] = ""
        elif event.target_type == AGENT_TARGET and event.target_id in usernames:
            names[event.id] = usernames[event.target_id]
        elif named:
            names[event.id] = named
        else:
            names[event.id] = f"{event.target_type} {event.target_id}"
    return names
