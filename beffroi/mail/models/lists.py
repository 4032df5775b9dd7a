"""Lists built on the directory: an address (finances@, conseil@) that reaches every member of
a department or a group as they are when the message arrives, who may post to it, and the
messages held for a moderator.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel
from beffroi.mail.models.mailboxes import Domain


class MailingList(BaseModel):
    class Posting(models.TextChoices):
        MEMBERS = "members", _("les membres")
        ORGANISATION = "organisation", _("les agents de l'organisation")
        ANYONE = "anyone", _("tout le monde")

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="lists")
    address = models.CharField(_("adresse"), max_length=320, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailing_lists",
    )
    group = models.ForeignKey(
        "directory.AgentGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailing_lists",
    )
    who_may_post = models.CharField(
        _("qui peut écrire"), max_length=16, choices=Posting, default=Posting.ORGANISATION
    )
    moderated = models.BooleanField(_("modérée"), default=False)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderated_lists",
    )

    class Meta:
        verbose_name = _("liste de diffusion")
        verbose_name_plural = _("listes de diffusion")
        ordering = ["address"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, group__isnull=True)
                | Q(department__isnull=True, group__isnull=False),
                name="mailing_list_of_one_department_or_one_group",
            ),
        ]

    def __str__(self) -> str:
        return self.address


class HeldMessage(BaseModel):
    """A message to a moderated list, waiting for the moderator's approval."""

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="held")
    blob = models.ForeignKey("files.Blob", on_delete=models.PROTECT, related_name="held_mail")
    size = models.PositiveBigIntegerField()
    envelope_sender = models.CharField(max_length=320, blank=True)
    sender = models.TextField(blank=True)
    subject = models.TextField(blank=True)

    class Meta:
        verbose_name = _("message en attente de modération")
        verbose_name_plural = _("messages en attente de modération")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.mailing_list_id}: {self.subject}"
