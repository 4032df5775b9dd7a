"""Workspaces: a place per project where departments work together, with its members and the
trace of what happened in it.

A workspace bundles its own drive (a ``files.Space`` of kind workspace), wiki pages and task
board; those apps point at it. Members are agents (guests from outside the commune included),
groups of agents or whole departments (with the departments below them), each with a role:
reader, contributor or manager. An archived workspace is read-only; a deleted one waits in the
bin (``trashed_at``) before it is purged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel, one_grantee


class Role(models.TextChoices):
    READER = "reader", _("lecteur")
    CONTRIBUTOR = "contributor", _("contributeur")
    MANAGER = "manager", _("gestionnaire")


class Workspace(BaseModel):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("privé")
        LISTED = "listed", _("visible dans l'annuaire des espaces")

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=16, choices=Visibility, default=Visibility.PRIVATE
    )
    blueprint = models.CharField(_("modèle"), max_length=40, blank=True)
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    trashed_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("espace de travail")
        verbose_name_plural = _("espaces de travail")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A role in a workspace, given to an agent, the members of a group, or the members of a
    department and of the departments below it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=16, choices=Role)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workspace_memberships",
    )
    group = models.ForeignKey(
        "directory.AgentGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workspace_memberships",
    )
    department = models.ForeignKey(
        "directory.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workspace_memberships",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("membre")
        constraints = [
            one_grantee("workspaces_membership_one_grantee"),
            models.UniqueConstraint(
                fields=["workspace", "agent"],
                condition=Q(agent__isnull=False),
                name="workspaces_membership_unique_agent",
            ),
            models.UniqueConstraint(
                fields=["workspace", "group"],
                condition=Q(group__isnull=False),
                name="workspaces_membership_unique_group",
            ),
            models.UniqueConstraint(
                fields=["workspace", "department"],
                condition=Q(department__isnull=False),
                name="workspaces_membership_unique_department",
            ),
        ]

    @property
    def grantee(self) -> object:
        return self.agent or self.group or self.department

    @property
    def grantee_label(self) -> str:
        if self.agent is not None:
            return self.agent.display_name
        return str(self.group or self.department)

    def __str__(self) -> str:
        return f"{self.workspace} · {self.grantee_label} · {self.role}"


class JoinRequest(BaseModel):
    """An agent asks to join a workspace listed in the directory."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="join_requests")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("demande d'adhésion")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "agent"],
                condition=Q(status="pending"),
                name="workspaces_one_pending_request",
            )
        ]


class Activity(models.Model):
    """One line of a workspace's activity feed: who did what, with a link to it. Written by the
    action that did it, in the same transaction."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=40)
    target = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activité")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.target}"
