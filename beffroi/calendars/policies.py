"""What a person may do with a calendar: one answer, read by the DAV adapter, the API and the web.

A person reaches a calendar as its owner, through a share (to them, one of their groups or one
of their departments: the strongest role counts), as a member of the department whose calendar
it is (editor; the department's managers manage it), or as the manager of the resource whose
calendar it is. Every internal agent (not guests) sees the free/busy of colleagues' calendars
and of resources, as in the messaging suites communes used before: an invitation shows whether
people and rooms are free, never what they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beffroi.calendars.models import Calendar, CalendarShare
from beffroi.directory.principals import principals
from beffroi.workspaces import policies as workspace_policies


@dataclass(frozen=True)
class CalendarAbilities:
    see_free_busy: bool = False
    read: bool = False
    see_private: bool = False  # details of CLASS:PRIVATE / CONFIDENTIAL events
    write_events: bool = False
    manage: bool = False  # rename, recolour, delete, share the calendar


NOTHING = CalendarAbilities()
FREE_BUSY = CalendarAbilities(see_free_busy=True)
READER = CalendarAbilities(see_free_busy=True, read=True)
EDITOR = CalendarAbilities(see_free_busy=True, read=True, write_events=True)
DELEGATE = CalendarAbilities(see_free_busy=True, read=True, see_private=True, write_events=True)
OWNER = CalendarAbilities(
    see_free_busy=True, read=True, see_private=True, write_events=True, manage=True
)

ROLE_ABILITIES = {
    CalendarShare.Role.FREE_BUSY: FREE_BUSY,
    CalendarShare.Role.READER: READER,
    CalendarShare.Role.EDITOR: EDITOR,
    CalendarShare.Role.MANAGER: DELEGATE,
}
_RANK = [NOTHING, FREE_BUSY, READER, EDITOR, DELEGATE, OWNER]


def strongest(*candidates: CalendarAbilities) -> CalendarAbilities:
    return max(candidates, key=_RANK.index, default=NOTHING)


def _is_internal(user: Any) -> bool:
    from beffroi.directory.models import Agent

    return bool(getattr(user, "kind", None) != Agent.Kind.GUEST)


def abilities(user: Any, calendar: Calendar) -> CalendarAbilities:
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if not getattr(user, "can_sign_in", True):
        return NOTHING
    if calendar.owner_id == user.pk:
        return OWNER
    found = [_share_abilities(user, calendar)]
    department_link = getattr(calendar, "department_link", None)
    if department_link is not None:
        memberships = user.memberships.filter(department_id=department_link.department_id)
        membership = memberships.first()
        if membership is not None:
            found.append(DELEGATE if membership.is_manager else EDITOR)
    workspace_link = getattr(calendar, "workspace_link", None)
    if workspace_link is not None:
        found.append(_workspace_abilities(user, workspace_link.workspace_id))
    resource = getattr(calendar, "resource", None)
    if resource is not None and resource.manager_id == user.pk:
        found.append(DELEGATE)
    if _is_internal(user):
        found.append(FREE_BUSY)
    return strongest(*found)


def _workspace_abilities(user: Any, workspace_id: Any) -> CalendarAbilities:
    who = principals(user)
    if who is None:
        return NOTHING
    role, archived = workspace_policies.roles_by_workspace(who).get(workspace_id, ("", False))
    if not role:
        return NOTHING
    if archived or role == workspace_policies.READER:
        return READER
    return DELEGATE if role == workspace_policies.MANAGER else EDITOR


def _share_abilities(user: Any, calendar: Calendar) -> CalendarAbilities:
    from django.db.models import Q

    shares = CalendarShare.objects.filter(calendar=calendar).filter(
        Q(agent_id=user.pk)
        | Q(group__members=user.pk)
        | Q(department__memberships__agent_id=user.pk)
    )
    return strongest(
        *(
            ROLE_ABILITIES[CalendarShare.Role(role)]
            for role in shares.values_list("role", flat=True)
        )
    )
