"""Finding the calendar a DAV path names."""

from __future__ import annotations

from beffroi.calendars import access, actions
from beffroi.calendars.models import Calendar
from beffroi.directory.models import Agent


def calendar_at(agent: Agent, owner: str, slug: str) -> Calendar:
    """The calendar ``/<owner>/<slug>/``; one's own "agenda" is created on first use, so that a
    client may write to it before it ever listed the home."""
    if owner == agent.username and slug == actions.DEFAULT_CALENDAR_SLUG:
        actions.do_ensure_default_calendar(agent)
    return access.access_calendar(agent, owner, slug)
