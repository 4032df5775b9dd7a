""" "Trouver une salle": when, for how many, with what; the free rooms, vehicles and equipment
that fit, each a step away from the booking form with the slot and the resource chosen."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beffroi.calendars.access import access_free_resources, access_resources
from beffroi.calendars.models import Resource
from beffroi.calendars.web.forms import DateInput, TimeInput
from beffroi.core.text import fold
from beffroi.web.requests import acting_agent

DURATIONS = [
    (30, gettext_lazy("30 minutes")),
    (60, gettext_lazy("1 heure")),
    (90, gettext_lazy("1 heure 30")),
    (120, gettext_lazy("2 heures")),
    (180, gettext_lazy("3 heures")),
    (240, gettext_lazy("4 heures")),
    (480, gettext_lazy("La journée (8 heures)")),
]


class FindRoomForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    start = forms.TimeField(label=gettext_lazy("Heure de début"), widget=TimeInput())
    minutes = forms.TypedChoiceField(
        label=gettext_lazy("Durée"), choices=DURATIONS, coerce=int, initial=60
    )
    people = forms.IntegerField(
        label=gettext_lazy("Nombre de personnes"), min_value=0, max_value=10_000, required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("Tout")), *Resource.Kind.choices],
        required=False,
    )
    equipment = forms.MultipleChoiceField(
        label=gettext_lazy("Équipements nécessaires"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, equipment: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["equipment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(item, item) for item in equipment]
        if not equipment:
            del self.fields["equipment"]

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """The slot asked for, in the commune's time zone."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(data["date"], data["start"], tzinfo=zone)
        return start, start + dt.timedelta(minutes=data["minutes"])


def _equipment_of(resources: list[Resource]) -> list[str]:
    found = {str(item).strip() for resource in resources for item in resource.equipment}
    return sorted((item for item in found if item), key=fold)


def _booking_link(resource: Resource, start: dt.datetime, end: dt.datetime) -> str:
    query = {
        "date": start.date().isoformat(),
        "heure": start.strftime("%H:%M"),
        "fin": end.strftime("%H:%M"),
        "ressource": str(resource.pk),
    }
    return reverse("agenda:new_event") + "?" + urlencode(query)


@never_cache
@login_required
@require_GET
def find_room(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    bookable = access_resources(agent)
    asked = "date" in request.GET
    now = timezone.localtime()
    form = FindRoomForm(
        request.GET if asked else None,
        equipment=_equipment_of(bookable),
        initial={"date": now.date(), "start": dt.time(min(now.hour + 1, 22), 0), "minutes": 60},
    )
    results: list[dict[str, Any]] | None = None
    if asked and form.is_valid():
        start, end = form.span()
        free = access_free_resources(
            agent,
            start,
            end,
            people=form.cleaned_data["people"] or 0,
            equipment=form.cleaned_data.get("equipment") or [],
            kind=form.cleaned_data["kind"] or None,
        )
        results = [
            {"resource": resource, "book": _booking_link(resource, start, end)} for resource in free
        ]
    return render(
        request,
        "calendars/find_room.html",
        {"form": form, "results": results, "has_resources": bool(bookable)},
        status=400 if asked and not form.is_valid() else 200,
    )
