"""The commune's people: agents (the user model) and their personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


class Agent(BaseModel, AbstractUser):
    """Anyone who signs in to Beffroi: an agent of the commune, an elected official, a guest."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("actif")
        SUSPENDED = "suspended", _("suspendu")
        DEPARTED = "departed", _("parti")

    class Kind(models.TextChoices):
        AGENT = "agent", _("agent")
        ELECTED = "elected", _("élu")
        GUEST = "guest", _("invité")

    kind = models.CharField(_("catégorie"), max_length=16, choices=Kind, default=Kind.AGENT)
    status = models.CharField(_("statut"), max_length=16, choices=Status, default=Status.ACTIVE)
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    language = models.CharField(
        _("langue"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["last_name", "first_name", "username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(BaseModel):
    """A personal token for scripts calling the API. Only a hash of the secret is kept."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("nom"), max_length=100)
    # The first characters of the token, stored in clear, find the row without a table scan.
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"
