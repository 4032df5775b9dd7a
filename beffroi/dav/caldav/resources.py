"""Finding the calendar a DAV path names."""

from __future__ import annotations

from beffroi.calendars import access, actions
from beffroi.calendars.models import Calendar
from beffroi.directory.models import Agent

SHARED_SEPARATOR = "~"  # in neither usernames nor calendar identifiers


def calendar_at(agent: Agent, owner: str, slug: str, *, free_busy: bool = False) -> Calendar:
    """The calendar ``/<owner>/<slug>/``; one's own "agenda" is created on first use, so that a
    client may write to it before it ever listed the home. In one's home, ``<owner>~<slug>``
    names another's calendar shared with them (``home_segments``). ``free_busy``: a calendar
    whose free/busy the agent may see is enough."""
    if owner == agent.username and SHARED_SEPARATOR in slug:
        owner, slug = slug.split(SHARED_SEPARATOR, 1)
    if owner == agent.username and slug == actions.DEFAULT_CALENDAR_SLUG:
        actions.do_ensure_default_calendar(agent)
    if free_busy:
        return access.access_calendar_free_busy(agent, owner, slug)
    return access.access_calendar(agent, owner, slug)


def home_segments(agent: Agent, calendar: Calendar) -> list[str]:
    """Where the calendar sits in ``agent``'s home."""
    if calendar.owner_id == agent.pk:
        return [agent.username, calendar.slug]
    return [agent.username, f"{calendar.owner.username}{SHARED_SEPARATOR}{calendar.slug}"]
