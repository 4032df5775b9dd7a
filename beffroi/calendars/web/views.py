"""The agenda views: day, week, month and list of several calendars at once, with their colours.

Each view: parse the period, read the person's calendars and their events (``access``), lay them
out (``layout``), render. Everything works without the script; it only adds conveniences.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from beffroi.calendars.access import access_events_between, access_visible_calendars
from beffroi.calendars.actions import do_ensure_default_calendar
from beffroi.calendars.models import Calendar
from beffroi.calendars.occurrences import Occurrence, occurrences_between
from beffroi.calendars.policies import abilities
from beffroi.calendars.web import layout
from beffroi.directory.models import Agent
from beffroi.web.requests import acting_agent

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?")


@dataclass(frozen=True)
class Shown:
    """A calendar in the side list: whether it is ticked, and whether the person may add to it."""

    calendar: Calendar
    selected: bool
    writable: bool

    @property
    def css_class(self) -> str:
        return colour_class(self.calendar)


def colour_class(calendar: Calendar) -> str:
    return f"agenda-c-{calendar.pk.hex}"


def visible_calendars(agent: Agent) -> list[Calendar]:
    """Every calendar the agent reads in the agenda: their own first (the default one is made
    on the first visit), then those shared with them and their departments' calendars."""
    do_ensure_default_calendar(agent)
    found = [calendar for calendar, _rights in access_visible_calendars(agent)]
    return sorted(found, key=lambda calendar: (calendar.owner_id != agent.pk, calendar.name))


@require_GET
@login_required
def agenda(request: HttpRequest, view: str = "semaine", day: str = "") -> HttpResponse:
    if not day:
        view = request.GET.get("vue", view)
    if view not in layout.VIEWS:
        raise Http404()
    agent = acting_agent(request)
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    shown_day = _parse_day(day or request.GET.get("date", ""), today)
    period = layout.period_of(view, shown_day)
    calendars = visible_calendars(agent)
    chosen = set(request.GET.getlist("agendas"))
    shown = [
        Shown(
            calendar,
            selected=not chosen or str(calendar.pk) in chosen,
            writable=abilities(agent, calendar).write_events,
        )
        for calendar in calendars
    ]
    start = dt.datetime.combine(period.start, dt.time(), zone)
    end = dt.datetime.combine(period.end, dt.time(), zone)
    occurrences: list[Occurrence] = []
    for item in shown:
        if item.selected:
            events = access_events_between(agent, item.calendar, start, end, component="VEVENT")
            occurrences += occurrences_between(
                item.calendar,
                events,
                start,
                end,
                str(zone),
                show_private=abilities(agent, item.calendar).see_private,
            )
    occurrences.sort(key=lambda item: (item.start, not item.all_day, item.summary))
    query = urlencode([("agendas", value) for value in sorted(chosen)])
    context = {
        "view": view,
        "period": period,
        "today": today,
        "calendars": shown,
        "query": f"?{query}" if query else "",
        "links": _links(period, query),
        "can_create": any(item.writable for item in shown),
        "writable_ids": {item.calendar.pk for item in shown if item.writable},
        "occurrence_count": len(occurrences),
    }
    if view in ("jour", "semaine"):
        context["grid"] = layout.time_grid(period, occurrences, today)
    elif view == "mois":
        context["weeks"] = layout.month_weeks(period, occurrences, today)
    else:
        context["days"] = layout.list_days(period, occurrences, today)
    return render(request, "calendars/agenda.html", context)


@require_GET
@login_required
def colours(request: HttpRequest) -> HttpResponse:
    """One rule per visible calendar giving its colour: a stylesheet, since the
    Content-Security-Policy forbids inline styles."""
    rules = [
        f".{colour_class(calendar)}{{--agenda-colour:{calendar.colour[:7]}}}"
        for calendar in visible_calendars(acting_agent(request))
        if _COLOUR.fullmatch(calendar.colour)
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


def _parse_day(value: str, today: dt.date) -> dt.date:
    if not value:
        return today
    try:
        return dt.date.fromisoformat(value[:10] if len(value) > 7 else f"{value}-01")
    except ValueError:
        raise Http404() from None


def _links(period: layout.Period, query: str) -> dict[str, str]:
    suffix = f"?{query}" if query else ""

    def to(view: str, day: dt.date) -> str:
        return reverse("agenda:agenda", args=[view, day.isoformat()]) + suffix

    links = {
        "previous": to(period.view, period.previous),
        "next": to(period.view, period.next),
        "today": to(period.view, timezone.localdate()),
    }
    for view in layout.VIEWS:
        links[view] = to(view, period.day)
    return links
