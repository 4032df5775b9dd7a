"""The event form and the import form of the agenda pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.calendars.compose import Attendee, EventFields
from beffroi.calendars.ics_files import MAX_FILE_BYTES
from beffroi.calendars.models import Resource
from beffroi.directory.access import access_agents
from beffroi.directory.models import Agent

MAX_DESCRIPTION = 50_000
MAX_ATTENDEES = 100

FREQUENCY_CHOICES = [
    ("", gettext_lazy("Ne se répète pas")),
    ("DAILY", gettext_lazy("Chaque jour")),
    ("WEEKLY", gettext_lazy("Chaque semaine")),
    ("MONTHLY", gettext_lazy("Chaque mois")),
    ("YEARLY", gettext_lazy("Chaque année")),
]
REMINDER_CHOICES = [
    ("0", gettext_lazy("Au début")),
    ("5", gettext_lazy("5 minutes avant")),
    ("15", gettext_lazy("15 minutes avant")),
    ("30", gettext_lazy("30 minutes avant")),
    ("60", gettext_lazy("1 heure avant")),
    ("1440", gettext_lazy("1 jour avant")),
]
PRIVACY_CHOICES = [
    ("PUBLIC", gettext_lazy("Public")),
    ("PRIVATE", gettext_lazy("Privé : les autres voient « occupé »")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class EventForm(forms.Form):
    calendar = forms.ChoiceField(label=gettext_lazy("Agenda"))
    summary = forms.CharField(label=gettext_lazy("Titre"), max_length=500)
    all_day = forms.BooleanField(label=gettext_lazy("Toute la journée"), required=False)
    start_date = forms.DateField(label=gettext_lazy("Date de début"), widget=DateInput())
    start_time = forms.TimeField(
        label=gettext_lazy("Heure de début"), required=False, widget=TimeInput()
    )
    end_date = forms.DateField(label=gettext_lazy("Date de fin"), widget=DateInput())
    end_time = forms.TimeField(
        label=gettext_lazy("Heure de fin"), required=False, widget=TimeInput()
    )
    location = forms.CharField(label=gettext_lazy("Lieu"), max_length=500, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Répétition"), choices=FREQUENCY_CHOICES, required=False
    )
    until = forms.DateField(
        label=gettext_lazy("Jusqu'au (inclus)"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy(
            "Laissez vide, ou indiquez un nombre de fois, ou ni l'un ni l'autre."
        ),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Nombre de fois"), required=False, min_value=1, max_value=1000
    )
    reminders = forms.MultipleChoiceField(
        label=gettext_lazy("Rappels"),
        choices=REMINDER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    privacy = forms.ChoiceField(
        label=gettext_lazy("Confidentialité"), choices=PRIVACY_CHOICES, initial="PUBLIC"
    )
    attendees = forms.CharField(
        label=gettext_lazy("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Un par ligne : l'identifiant d'un agent de l'annuaire ou une adresse électronique."
        ),
    )

    resources = forms.MultipleChoiceField(
        label=gettext_lazy("Salles, véhicules et matériel à réserver"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        agent: Agent,
        calendar_choices: list[tuple[str, str]],
        resources: list[Resource],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agent = agent
        calendar_field = self.fields["calendar"]
        assert isinstance(calendar_field, forms.ChoiceField)
        calendar_field.choices = calendar_choices
        self.bookable = {str(resource.pk): resource for resource in resources}
        resource_field = self.fields["resources"]
        assert isinstance(resource_field, forms.ChoiceField)
        resource_field.choices = [
            (key, _resource_label(resource)) for key, resource in self.bookable.items()
        ]
        if not resources:
            del self.fields["resources"]
        self.resolved_attendees: tuple[Attendee, ...] = ()

    def clean_attendees(self) -> str:
        value: str = self.cleaned_data.get("attendees", "")
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        if len(lines) > MAX_ATTENDEES:
            raise forms.ValidationError(_("Au plus %(max)s participants.") % {"max": MAX_ATTENDEES})
        found: dict[str, Attendee] = {}
        unknown: list[str] = []
        for line in lines:
            attendee = self._attendee(line)
            if attendee is None:
                unknown.append(line)
            else:
                found.setdefault(attendee.email.lower(), attendee)
        if unknown:
            raise forms.ValidationError(
                _("Ni un agent de l'annuaire ni une adresse électronique : %(names)s.")
                % {"names": ", ".join(unknown)}
            )
        self.resolved_attendees = tuple(found.values())
        return value

    def _attendee(self, line: str) -> Attendee | None:
        for agent in access_agents(self.agent, search=line, limit=10):
            if line.lower() in (agent.username.lower(), (agent.email or "").lower()):
                if not agent.email:
                    return None
                return Attendee(agent.email, agent.display_name)
        try:
            validate_email(line)
        except forms.ValidationError:
            return None
        return Attendee(line)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start_date, end_date = data.get("start_date"), data.get("end_date")
        if start_date is None or end_date is None:
            return data
        if not data.get("all_day"):
            for name in ("start_time", "end_time"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Indiquez l'heure, ou cochez « Toute la journée »."))
            if self.errors:
                return data
            start = dt.datetime.combine(start_date, data["start_time"])
            end = dt.datetime.combine(end_date, data["end_time"])
            if end < start:
                self.add_error("end_time", _("La fin est avant le début."))
        elif end_date < start_date:
            self.add_error("end_date", _("La fin est avant le début."))
        self._check_repetition(data, start_date)
        return data

    def _check_repetition(self, data: dict[str, Any], start_date: dt.date) -> None:
        frequency, until, count = data.get("frequency"), data.get("until"), data.get("count")
        if not frequency and (until is not None or count is not None):
            self.add_error("frequency", _("Choisissez une répétition, ou videz sa fin."))
        if until is not None and count is not None:
            self.add_error(
                "count", _("Indiquez une date de fin ou un nombre de fois, pas les deux.")
            )
        if until is not None and until < start_date:
            self.add_error("until", _("La répétition se termine avant le premier événement."))

    def event_fields(self, organizer: Attendee | None) -> EventFields:
        data = self.cleaned_data
        all_day = bool(data["all_day"])
        start: dt.date | dt.datetime = data["start_date"]
        end: dt.date | dt.datetime = data["end_date"]
        if not all_day:
            start = dt.datetime.combine(data["start_date"], data["start_time"])
            end = dt.datetime.combine(data["end_date"], data["end_time"])
        attendees = self.resolved_attendees + tuple(
            Attendee(
                resource.email,
                resource.name,
                cutype="ROOM" if resource.kind == Resource.Kind.ROOM else "RESOURCE",
            )
            for key, resource in self.bookable.items()
            if key in data.get("resources", [])
        )
        return EventFields(
            summary=data["summary"].strip(),
            start=start,
            end=end,
            all_day=all_day,
            location=data["location"].strip(),
            description=data["description"],
            frequency=data["frequency"] or "",
            until=data["until"],
            count=data["count"],
            reminders=tuple(int(value) for value in data["reminders"]),
            privacy=data["privacy"],
            organizer=organizer if attendees else None,
            attendees=attendees,
        )


def _resource_label(resource: Resource) -> str:
    details = [str(resource.get_kind_display())]
    if resource.capacity:
        details.append(_("%(count)s places") % {"count": resource.capacity})
    if resource.building:
        details.append(resource.building)
    return f"{resource.name} ({', '.join(details)})"


def initial_from(fields: EventFields, resources: list[Resource]) -> dict[str, Any]:
    """The form's initial values for an existing event: people in the text box, resources
    ticked."""
    start, end = fields.start, fields.end
    by_email = {resource.email.lower(): resource for resource in resources}
    people = [item.email for item in fields.attendees if item.email.lower() not in by_email]
    booked = [
        str(by_email[item.email.lower()].pk)
        for item in fields.attendees
        if item.email.lower() in by_email
    ]
    return {
        "summary": fields.summary,
        "all_day": fields.all_day,
        "start_date": start.date() if isinstance(start, dt.datetime) else start,
        "start_time": start.time() if isinstance(start, dt.datetime) else None,
        "end_date": end.date() if isinstance(end, dt.datetime) else end,
        "end_time": end.time() if isinstance(end, dt.datetime) else None,
        "location": fields.location,
        "description": fields.description,
        "frequency": fields.frequency,
        "until": fields.until,
        "count": fields.count,
        "reminders": [str(value) for value in fields.reminders],
        "privacy": "PUBLIC" if fields.privacy == "PUBLIC" else "PRIVATE",
        "attendees": "\n".join(people),
        "resources": booked,
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier iCalendar (.ics)"),
        help_text=gettext_lazy(
            "Exporté d'un autre agenda (Outlook, Thunderbird, BlueMind…). 20 Mo au plus."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse la taille autorisée (20 Mo)."))
        return upload
