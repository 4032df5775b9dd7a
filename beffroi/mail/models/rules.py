"""What happens to a message as it lands in a mailbox: the out-of-office reply (RFC 3834) and
who has had it, and the mailbox's ordered rules (conditions, then actions: file into a folder,
mark read, redirect, stop).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel
from beffroi.mail.models.mailboxes import Folder, Mailbox

# RFC 3834 3.1.1: "7 days is RECOMMENDED", many servers use less; the commune asked for four.
DEFAULT_REPLY_PERIOD_DAYS = 4


class OutOfOffice(BaseModel):
    """A mailbox's automatic reply while its holder is away, between two dates (included)."""

    mailbox = models.OneToOneField(Mailbox, on_delete=models.CASCADE, related_name="out_of_office")
    enabled = models.BooleanField(_("activée"), default=False)
    starts_on = models.DateField(_("du"), null=True, blank=True)
    ends_on = models.DateField(_("au"), null=True, blank=True)
    subject = models.CharField(_("objet"), max_length=200)
    text = models.TextField(_("message"))
    period_days = models.PositiveSmallIntegerField(
        _("une réponse par expéditeur tous les (jours)"), default=DEFAULT_REPLY_PERIOD_DAYS
    )

    class Meta:
        verbose_name = _("réponse d'absence")
        verbose_name_plural = _("réponses d'absence")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=models.F("ends_on")),
                name="out_of_office_starts_before_it_ends",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id}: {self.subject}"


class AutoReplySent(models.Model):
    """Who a mailbox's out-of-office reply answered, and when (once per sender per period)."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="auto_replies")
    sender = models.CharField(max_length=320)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "sender"], name="auto_reply_one_row_per_sender"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id} → {self.sender}"


class DeliveryRule(BaseModel):
    """One rule of a mailbox: every condition given must hold (case-insensitive contains);
    then its actions run in order, ``stop`` ending the rules that follow."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField()
    name = models.CharField(_("nom"), max_length=100)
    from_contains = models.CharField(_("l'expéditeur contient"), max_length=200, blank=True)
    to_contains = models.CharField(_("À ou Cc contient"), max_length=200, blank=True)
    subject_contains = models.CharField(_("l'objet contient"), max_length=200, blank=True)
    list_id = models.CharField(_("liste de diffusion (List-Id)"), max_length=200, blank=True)
    folder = models.ForeignKey(
        Folder,
        verbose_name=_("classer dans"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    mark_read = models.BooleanField(_("marquer comme lu"), default=False)
    redirect_to = models.CharField(_("rediriger vers"), max_length=320, blank=True)
    stop = models.BooleanField(_("ne pas appliquer les règles suivantes"), default=False)

    class Meta:
        verbose_name = _("règle de distribution")
        verbose_name_plural = _("règles de distribution")
        ordering = ["mailbox", "position", "created_at"]

    def __str__(self) -> str:
        return self.name
