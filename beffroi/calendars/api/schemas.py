"""Shapes of the calendar API: events are fields, never raw iCalendar."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
EMAIL = r"^[^\s@:;,<>\"\x00-\x1f\x7f]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,}$"


class CalendarOut(Schema):
    id: uuid.UUID
    owner: str = Field(description="Identifiant de l'agent propriétaire")
    slug: str
    name: str
    colour: str
    timezone: str
    role: str = Field(description="owner, manager, editor ou reader")
    resource_id: uuid.UUID | None = None


class RangeIn(Schema):
    start: datetime = Field(description="Début de l'intervalle (sans fuseau : UTC)")
    days: int = Field(7, ge=1, le=366, description="Durée de l'intervalle en jours")


class OccurrenceOut(Schema):
    event_id: uuid.UUID
    calendar_id: uuid.UUID
    summary: str
    location: str
    start: datetime
    end: datetime
    all_day: bool
    private: bool
    recurring: bool


class AttendeeOut(Schema):
    email: str
    name: str
    partstat: str


class EventOut(Schema):
    id: uuid.UUID
    calendar_id: uuid.UUID
    uid: str
    etag: str
    summary: str
    location: str
    description: str
    start: datetime | date | None
    end: datetime | date | None
    all_day: bool
    private: bool
    organizer: str | None
    attendees: list[AttendeeOut]
    booking_status: str


class EventIn(Schema):
    summary: str = Field(min_length=1, max_length=500, pattern=ONE_LINE)
    start: datetime = Field(description="Début (sans fuseau : heure locale de l'agenda)")
    end: datetime = Field(description="Fin, après le début")
    all_day: bool = Field(False, description="Journées entières du jour de début au jour de fin")
    location: str = Field("", max_length=500, pattern=ONE_LINE)
    description: str = Field("", max_length=20_000, pattern=TEXT)
    private: bool = False
    frequency: Literal["", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"] = ""
    until: date | None = None
    count: int | None = Field(None, ge=1, le=1000)
    attendees: list[str] = Field(
        default_factory=list, max_length=200, description="Adresses électroniques des invités"
    )
    resources: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="Salles, véhicules, matériel réservés"
    )
    etag: str | None = Field(
        None, max_length=80, pattern=ONE_LINE, description="Version lue (mise à jour seulement)"
    )


class AnswerIn(Schema):
    partstat: Literal["ACCEPTED", "DECLINED", "TENTATIVE"]


class ResourceOut(Schema):
    id: uuid.UUID
    slug: str
    name: str
    kind: str
    email: str
    capacity: int
    equipment: list[str]
    building: str
    policy: str
    manager: str | None
    calendar_id: uuid.UUID


class FindRoomIn(Schema):
    start: datetime = Field(description="Début de la réunion (sans fuseau : UTC)")
    minutes: int = Field(60, ge=1, le=366 * 24 * 60, description="Durée de la réunion")
    people: int = Field(0, ge=0, le=100_000, description="Nombre de participants")
    equipment: list[str] = Field(
        default_factory=list, max_length=20, description="Équipements demandés"
    )
    kind: Literal["", "room", "vehicle", "equipment"] = ""


class BookingOut(Schema):
    event_id: uuid.UUID
    resource_id: uuid.UUID
    resource: str
    uid: str
    summary: str
    organizer: str | None
    start: datetime | None
    end: datetime | None


class FreeBusyIn(RangeIn):
    agents: list[str] = Field(default_factory=list, max_length=50, description="Identifiants")
    resources: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class BusyOut(Schema):
    start: datetime
    end: datetime
    tentative: bool
    summary: str | None = Field(description="Absent si seul « occupé » peut être montré")


class FreeBusyOut(Schema):
    kind: Literal["agent", "resource"]
    id: str
    name: str
    busy: list[BusyOut]


class ImipOut(Schema):
    id: uuid.UUID
    created_at: datetime
    sender: str | None
    recipient: str
    method: str
    uid: str
    summary: str
    status: str
    data: str
