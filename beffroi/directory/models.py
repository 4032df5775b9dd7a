"""The commune's organisation chart and its people.

The organisation, its departments ("services") as a tree, the agents who work there (the user
model, since the first migration), groups of agents, and the tokens agents use from scripts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


class Organisation(BaseModel):
    """The commune itself. There is one per instance (``Organisation.current()``)."""

    name = models.CharField(_("nom"), max_length=200, default="Ville-Exemple")
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("Le SIREN compte 9 chiffres."))],
    )
    insee_code = models.CharField(
        _("code INSEE"),
        max_length=5,
        blank=True,
        validators=[
            RegexValidator(r"^(\d{5}|2[AB]\d{3})$", _("Le code INSEE compte 5 caractères."))
        ],
    )
    mail_domains = models.JSONField(_("domaines de messagerie"), default=list, blank=True)
    # Roles (see ``Role``) whose members must use a second factor from their next sign-in.
    second_factor_roles = models.JSONField(
        _("second facteur obligatoire pour"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        organisation = cls.objects.order_by("created_at").first()
        if organisation is None:
            organisation = cls.objects.create()
        return organisation


class Department(BaseModel):
    """A department ("service") of the organisation chart: Services techniques → Voirie."""

    name = models.CharField(_("nom"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_-]*$",
                _("Le code s'écrit en majuscules, chiffres, tirets (ex. : VOIRIE)."),
            )
        ],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("service parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person is in the organisation; policies and the second-factor rule use these."""

    ADMINISTRATOR = "administrator", _("administrateur de l'organisation")
    DEPARTMENT_MANAGER = "department_manager", _("responsable de service")
    AGENT = "agent", _("agent")
    ELECTED = "elected", _("élu")
    GUEST = "guest", _("invité")


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
    office = models.CharField(_("bureau"), max_length=150, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    departments: models.ManyToManyField[Department, DepartmentMembership] = models.ManyToManyField(
        Department,
        through="DepartmentMembership",
        related_name="agents",
        verbose_name=_("services"),
        blank=True,
    )
    must_change_password = models.BooleanField(_("doit changer son mot de passe"), default=False)
    departed_at = models.DateTimeField(_("parti le"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["last_name", "first_name", "username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_sign_in(self) -> bool:
        return self.is_active and self.status == Agent.Status.ACTIVE


class DepartmentMembership(BaseModel):
    """An agent works in a department, perhaps as one of its managers."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    is_manager = models.BooleanField(_("responsable du service"), default=False)

    class Meta:
        verbose_name = _("appartenance à un service")
        verbose_name_plural = _("appartenances à un service")
        constraints = [
            models.UniqueConstraint(fields=["agent", "department"], name="one_membership_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.department}"


class AgentGroup(BaseModel):
    """Any set of agents, across departments: « Élus », « Cellule de crise »."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Agent, related_name="agent_groups", verbose_name=_("membres"), blank=True
    )

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class AppPassword(BaseModel):
    """A password an agent creates for one client (phone, Thunderbird, file client, script).

    Each is shown once, limited to some protocols (its scopes), revocable, and remembers when and
    from where it was last used. Only a hash of the secret is kept (see ``app_passwords.py``).
    """

    class Scope(models.TextChoices):
        FILES = "files", _("fichiers")
        CALENDARS = "calendars", _("agendas et contacts")
        MAIL = "mail", _("messagerie")
        API = "api", _("API")

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="app_passwords")
    label = models.CharField(_("nom"), max_length=100)
    # A list of ``Scope`` values; a client is refused on any protocol not listed here.
    scopes = models.JSONField(_("usages"), default=list)
    secret_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    last_used_address = models.GenericIPAddressField(_("dernière adresse"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("mot de passe d'application")
        verbose_name_plural = _("mots de passe d'application")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agent", "revoked_at"], name="app_password_by_agent")]

    def __str__(self) -> str:
        return self.label

    @property
    def scope_labels(self) -> list[str]:
        """The scopes in words, for people (« fichiers », « messagerie »)."""
        labels = dict(AppPassword.Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
