"""Calendars, the iCalendar objects they hold, and the log of changes behind sync tokens.

The iCalendar text of each object is stored exactly as accepted: clients get back the bytes
they wrote (their ETag depends on it). The UTC start and end columns only index time-range
queries; they are conservative for recurring objects (the first start, and no end when the rule
never ends), and the exact answer is computed on the few candidates they select.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel

DEFAULT_TIMEZONE = "Europe/Paris"


class Calendar(BaseModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendars"
    )
    slug = models.SlugField(_("identifiant"), max_length=100)
    name = models.CharField(_("nom"), max_length=200)
    colour = models.CharField(_("couleur"), max_length=9, default="#3465a4")
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default=DEFAULT_TIMEZONE)
    # Bumped by every change to the calendar or its objects: the CTag and the sync token.
    revision = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")
        constraints = [
            models.UniqueConstraint(fields=["owner", "slug"], name="calendar_unique_slug_per_owner")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(BaseModel):
    """One calendar object resource: a VEVENT (or VTODO) with its overridden instances."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    # The resource name in the calendar collection (``<name>`` in ``…/agenda/<name>``).
    name = models.CharField(max_length=255)
    uid = models.CharField(max_length=255)
    component = models.CharField(max_length=16)
    data = models.TextField()
    etag = models.CharField(max_length=80)
    starts_at = models.DateTimeField(null=True, db_index=True)
    # None: the object never ends (a rule without UNTIL or COUNT).
    ends_at = models.DateTimeField(null=True, db_index=True)
    recurring = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "name"], name="event_unique_name"),
            models.UniqueConstraint(fields=["calendar", "uid"], name="event_unique_uid"),
        ]

    def __str__(self) -> str:
        return self.name


class Change(models.Model):
    """The last change of each resource name of a calendar, at the revision it was made.

    One row per name (updated in place), so the log stays as small as the calendar plus its
    deletions, and "what changed since revision N" is one indexed query.
    """

    id = models.BigAutoField(primary_key=True)
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="changes")
    name = models.CharField(max_length=255)
    uid = models.CharField(max_length=255)
    revision = models.PositiveBigIntegerField()
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["calendar", "name"], name="change_unique_name")
        ]
        indexes = [models.Index(fields=["calendar", "revision"], name="change_by_revision")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.revision}"
