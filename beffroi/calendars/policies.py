"""What a person may do with a calendar: one answer, read by the DAV adapter and, later, the web.

Only owners reach their calendars for now. Shares (free/busy, reader, editor, manager) will add
rows that this function reads; its shape already says which abilities they grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beffroi.calendars.models import Calendar


@dataclass(frozen=True)
class CalendarAbilities:
    see_free_busy: bool = False
    read: bool = False
    write_events: bool = False
    manage: bool = False  # rename, recolour, delete the calendar


NOTHING = CalendarAbilities()
OWNER = CalendarAbilities(see_free_busy=True, read=True, write_events=True, manage=True)


def abilities(user: Any, calendar: Calendar) -> CalendarAbilities:
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if not getattr(user, "can_sign_in", True):
        return NOTHING
    if calendar.owner_id == user.pk:
        return OWNER
    return NOTHING
