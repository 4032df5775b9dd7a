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

from beffroi.core.models import BaseModel, one_grantee

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
    # In a resource's calendar: whether the booking awaits its manager's approval.
    booking_status = models.CharField(max_length=16, blank=True, default="", db_index=True)

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


class CalendarShare(BaseModel):
    """A calendar opened to an agent, a group or a department, with one role.

    Exactly one of ``agent``, ``group``, ``department`` is set. The strongest role a person holds
    through any of their shares is the one that counts (``policies.abilities``).
    """

    class Role(models.TextChoices):
        FREE_BUSY = "free_busy", _("disponibilités seulement")
        READER = "reader", _("lecture")
        EDITOR = "editor", _("modification")
        MANAGER = "manager", _("gestion (délégation)")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="shares")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_shares",
    )
    group = models.ForeignKey(
        "directory.AgentGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_shares",
    )
    department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_shares",
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role)

    class Meta:
        verbose_name = _("partage d'agenda")
        verbose_name_plural = _("partages d'agenda")
        constraints = [
            one_grantee("calendar_share_one_grantee"),
            models.UniqueConstraint(
                fields=["calendar", "agent"], name="calendar_share_unique_agent"
            ),
            models.UniqueConstraint(
                fields=["calendar", "group"], name="calendar_share_unique_group"
            ),
            models.UniqueConstraint(
                fields=["calendar", "department"], name="calendar_share_unique_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} · {self.role}"


class DepartmentCalendar(models.Model):
    """The calendar of a department: its members edit it, its managers manage it."""

    id = models.BigAutoField(primary_key=True)
    department = models.OneToOneField(
        "directory.Department", on_delete=models.CASCADE, related_name="calendar_link"
    )
    calendar = models.OneToOneField(
        Calendar, on_delete=models.CASCADE, related_name="department_link"
    )

    def __str__(self) -> str:
        return str(self.calendar)


class WorkspaceCalendar(models.Model):
    """The calendar of a workspace: its members read it, its contributors edit it, its
    managers manage it (an archived workspace's calendar is read-only)."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="calendar_link"
    )
    calendar = models.OneToOneField(
        Calendar, on_delete=models.CASCADE, related_name="workspace_link"
    )

    def __str__(self) -> str:
        return str(self.calendar)


class Resource(BaseModel):
    """A room, a vehicle or a piece of equipment that people book through its calendar."""

    class Kind(models.TextChoices):
        ROOM = "room", _("salle")
        VEHICLE = "vehicle", _("véhicule")
        EQUIPMENT = "equipment", _("matériel")

    class Policy(models.TextChoices):
        AUTO_ACCEPT = "auto_accept", _("acceptée automatiquement si libre")
        APPROVAL = "approval", _("soumise à l'accord du gestionnaire")

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=Kind, default=Kind.ROOM)
    email = models.EmailField(_("adresse d'invitation"), unique=True)
    capacity = models.PositiveIntegerField(_("capacité"), default=0)
    equipment = models.JSONField(_("équipements"), default=list, blank=True)
    building = models.CharField(_("bâtiment"), max_length=200, blank=True)
    policy = models.CharField(
        _("règle de réservation"), max_length=16, choices=Policy, default=Policy.AUTO_ACCEPT
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_resources",
    )
    calendar = models.OneToOneField(Calendar, on_delete=models.PROTECT, related_name="resource")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    NONE = "", _("sans objet")
    PENDING = "pending", _("en attente d'accord")
    ACCEPTED = "accepted", _("acceptée")


class ImipMessage(BaseModel):
    """An iTIP message (RFC 5546) for an attendee outside the organisation, waiting for the mail
    capability to send it by e-mail (iMIP, RFC 6047)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente d'envoi")
        SENT = "sent", _("envoyé")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="imip_messages",
    )
    recipient = models.CharField(_("destinataire"), max_length=254)
    method = models.CharField(_("méthode"), max_length=16)
    uid = models.CharField(max_length=255)
    summary = models.CharField(_("objet"), max_length=255, blank=True)
    data = models.TextField()
    status = models.CharField(
        _("état"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message d'invitation externe")
        verbose_name_plural = _("messages d'invitation externes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.method} → {self.recipient}"
