"""Creating, editing and deleting events; importing and exporting a calendar as ``.ics``.

Each view: parse the form, reach the calendar through ``access``, write through the calendars
actions, and show their refusals (a conflicting booking, a stale edit) in the form itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beffroi.calendars import itip, scheduling
from beffroi.calendars.access import (
    access_calendar,
    access_event,
    access_events,
    access_resources,
    event_text_for,
)
from beffroi.calendars.actions import (
    do_answer_invitation,
    do_delete_event,
    do_save_event_fields,
)
from beffroi.calendars.compose import fields_of
from beffroi.calendars.ics_files import ImportReport, do_import_events, export_chunks
from beffroi.calendars.models import Calendar, Event
from beffroi.calendars.policies import abilities
from beffroi.calendars.web.forms import EventForm, ImportForm, initial_from
from beffroi.calendars.web.views import visible_calendars
from beffroi.core.errors import BeffroiError, InvalidInput, NotFound
from beffroi.directory.models import Agent
from beffroi.web.requests import acting_agent, address_of


def _writable(agent: Agent) -> list[Calendar]:
    return [item for item in visible_calendars(agent) if abilities(agent, item).write_events]


def _choices(calendars: list[Calendar]) -> list[tuple[str, str]]:
    return [(str(item.pk), item.name) for item in calendars]


def _posted(request: HttpRequest) -> Any:
    """The posted fields, or None when the body is larger than the server accepts."""
    try:
        return request.POST
    except RequestDataTooBig:
        return None


def _too_big_message() -> str:
    return _(
        "Le formulaire envoyé est trop volumineux : la description, par exemple, ne doit pas "
        "dépasser 50 000 caractères. Rien n'a été enregistré."
    )


def _week_of(day: dt.date) -> str:
    return reverse("agenda:agenda", args=["semaine", day.isoformat()])


def _first_day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _start_day(form: EventForm) -> dt.date:
    value: dt.date = form.cleaned_data["start_date"]
    return value


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new_event(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    calendars = _writable(agent)
    if not calendars:
        raise NotFound()
    posted = _posted(request) if request.method == "POST" else None
    initial = _initial_times(
        request.GET.get("date", ""), request.GET.get("heure", ""), request.GET.get("fin", "")
    )
    initial["calendar"] = request.GET.get("agenda", str(calendars[0].pk))
    # From "Trouver une salle": the resource chosen is ticked.
    initial["resources"] = request.GET.getlist("ressource")
    form = EventForm(
        posted,
        agent=agent,
        calendar_choices=_choices(calendars),
        resources=access_resources(agent),
        initial=initial,
    )
    problem = _too_big_message() if request.method == "POST" and posted is None else ""
    if posted is not None and form.is_valid():
        calendar = next(item for item in calendars if str(item.pk) == form.cleaned_data["calendar"])
        try:
            do_save_event_fields(agent, calendar, form.event_fields(None))
        except BeffroiError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _("L'événement « %(title)s » est enregistré.")
                % {"title": form.cleaned_data["summary"]},
            )
            return redirect(_week_of(_start_day(form)))
    status = 413 if problem and posted is None else 400 if request.method == "POST" else 200
    return render(
        request,
        "calendars/event_form.html",
        {"form": form, "problem": problem, "event": None, "calendar": None},
        status=status,
    )


@never_cache
@login_required
@require_GET
def event_detail(request: HttpRequest, owner: str, slug: str, name: str) -> HttpResponse:
    agent = acting_agent(request)
    calendar = access_calendar(agent, owner, slug)
    event = access_event(agent, calendar, name)
    rights = abilities(agent, calendar)
    fields = fields_of(event_text_for(agent, event), timezone=calendar.timezone)
    hidden = fields.privacy != "PUBLIC" and not rights.see_private
    parsed = itip.load(event.data)
    invited = rights.write_events and scheduling.role_of(calendar, parsed) == "attendee"
    answer = itip.partstat(parsed, (calendar.owner.email or "").lower()) if invited else None
    return render(
        request,
        "calendars/event_detail.html",
        {
            "calendar": calendar,
            "event": event,
            "fields": fields,
            "hidden": hidden,
            "can_edit": rights.write_events and not invited,
            "invited": invited,
            "answer": answer,
            "week": _week_of(_first_day(fields.start)),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_event(request: HttpRequest, owner: str, slug: str, name: str) -> HttpResponse:
    agent = acting_agent(request)
    calendar, event = _writable_event(agent, owner, slug, name)
    fields = fields_of(event.data, timezone=calendar.timezone)
    resources = access_resources(agent)
    initial = {**initial_from(fields, resources), "calendar": str(calendar.pk)}
    posted = _posted(request) if request.method == "POST" else None
    form = EventForm(
        posted,
        agent=agent,
        calendar_choices=_choices([calendar]),
        resources=resources,
        initial=initial,
    )
    problem = _too_big_message() if request.method == "POST" and posted is None else ""
    if posted is not None and form.is_valid():
        try:
            do_save_event_fields(
                agent,
                calendar,
                form.event_fields(fields.organizer),
                event=event,
                if_match=posted.get("etag") or event.etag,
            )
        except BeffroiError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _("L'événement « %(title)s » est modifié.")
                % {"title": form.cleaned_data["summary"]},
            )
            return redirect(_week_of(_start_day(form)))
    status = 413 if problem and posted is None else 400 if request.method == "POST" else 200
    return render(
        request,
        "calendars/event_form.html",
        {"form": form, "problem": problem, "event": event, "calendar": calendar},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_event(request: HttpRequest, owner: str, slug: str, name: str) -> HttpResponse:
    agent = acting_agent(request)
    calendar, event = _writable_event(agent, owner, slug, name)
    fields = fields_of(event.data, timezone=calendar.timezone)
    if request.method == "POST":
        do_delete_event(agent, calendar, name)
        messages.success(
            request, _("L'événement « %(title)s » est supprimé.") % {"title": fields.summary}
        )
        return redirect(_week_of(_first_day(fields.start)))
    return render(
        request,
        "calendars/event_delete.html",
        {"calendar": calendar, "event": event, "fields": fields},
    )


ANSWERS = ("ACCEPTED", "TENTATIVE", "DECLINED")


@login_required
@require_POST
def move_event(request: HttpRequest, owner: str, slug: str, name: str) -> HttpResponse:
    """Move or resize a one-off event to new wall-clock times (what dragging in the week does;
    the edit form does the same from the keyboard). Answers 204 to the script, or goes back
    to the week with a message."""
    agent = acting_agent(request)
    calendar, event = _writable_event(agent, owner, slug, name)
    fields = fields_of(event.data, timezone=calendar.timezone)
    start: dt.datetime | None
    end: dt.datetime | None
    try:
        start = dt.datetime.fromisoformat(request.POST.get("start", ""))
        end = dt.datetime.fromisoformat(request.POST.get("end", ""))
    except ValueError:
        start = end = None
    problem = ""
    if start is None or end is None or end <= start or fields.all_day or fields.frequency:
        problem = _("Ce déplacement n'est pas possible : modifiez l'événement avec son formulaire.")
    else:
        try:
            do_save_event_fields(
                agent,
                calendar,
                replace(fields, start=start.replace(tzinfo=None), end=end.replace(tzinfo=None)),
                event=event,
                if_match=request.POST.get("etag") or event.etag,
            )
        except BeffroiError as error:
            problem = error.message
    if problem:
        messages.error(request, problem)
    if request.headers.get("X-Requested-With") == "fetch":
        # The script reloads the page, which shows the message.
        return HttpResponse(status=409 if problem else 204)
    return redirect(_week_of(start.date() if start is not None else _first_day(fields.start)))


@login_required
@require_POST
def answer_invitation(request: HttpRequest, owner: str, slug: str, name: str) -> HttpResponse:
    """Accept, tentatively accept or decline an invitation delivered to this calendar."""
    agent = acting_agent(request)
    _calendar, event = _writable_event(agent, owner, slug, name)
    partstat = request.POST.get("partstat", "")
    if partstat not in ANSWERS:
        messages.error(request, _("Choisissez une réponse : accepter, peut-être ou refuser."))
    else:
        try:
            do_answer_invitation(agent, event, partstat)
        except BeffroiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Votre réponse est enregistrée et transmise."))
    return redirect("agenda:event", owner, slug, name)


def _writable_event(agent: Agent, owner: str, slug: str, name: str) -> tuple[Calendar, Event]:
    """The event, if the agent may change it; otherwise the same page as a missing one."""
    calendar = access_calendar(agent, owner, slug)
    event = access_event(agent, calendar, name)
    if not abilities(agent, calendar).write_events:
        raise NotFound()
    return calendar, event


@never_cache
@login_required
@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    rows = [(item, abilities(agent, item)) for item in visible_calendars(agent)]
    return render(request, "calendars/calendars.html", {"rows": rows})


@login_required
@require_GET
def export_calendar(request: HttpRequest, owner: str, slug: str) -> StreamingHttpResponse:
    agent = acting_agent(request)
    calendar = access_calendar(agent, owner, slug)
    texts = (event_text_for(agent, event) for event in access_events(agent, calendar))
    response = StreamingHttpResponse(
        export_chunks(calendar, texts), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar.slug}.ics"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def import_calendar(request: HttpRequest, owner: str, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    calendar = access_calendar(agent, owner, slug)
    if not abilities(agent, calendar).write_events:
        raise NotFound()
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                report = do_import_events(agent, calendar, data, address=address_of(request))
            except InvalidInput as error:
                form.add_error("file", error.message)
            else:
                status = 200
                form = ImportForm()
    return render(
        request,
        "calendars/import.html",
        {"form": form, "calendar": calendar, "report": report},
        status=status,
    )


def _clock(text: str) -> dt.time | None:
    """``9``, ``09`` or ``09:30`` as a time of day; ``None`` for anything else."""
    hour, _, minute = text.partition(":")
    try:
        return dt.time(int(hour), int(minute or 0))
    except ValueError:
        return None


def _initial_times(day: str, hour: str, until: str = "") -> dict[str, Any]:
    try:
        start_day = dt.date.fromisoformat(day)
    except ValueError:
        start_day = timezone.localdate()
    start_time = _clock(hour) or dt.time(9, 0)
    end_time = _clock(until)
    if end_time is None or end_time <= start_time:
        end_time = dt.time(min(start_time.hour + 1, 23), 0 if start_time.hour < 23 else 59)
    return {
        "start_date": start_day,
        "start_time": start_time,
        "end_date": start_day,
        "end_time": end_time,
    }
