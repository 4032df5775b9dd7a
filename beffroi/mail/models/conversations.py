"""The webmail's own records: who in a service handles a conversation of a shared mailbox.

A conversation is the messages of one mailbox that share a ``thread_id``; its assignment is
kept beside them (not on the messages), so moving, flagging or expunging a message never loses
it, and every delegate of the mailbox reads the same assignee and status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel
from beffroi.mail.models.mailboxes import Mailbox


class Assignment(BaseModel):
    """A conversation of a (shared) mailbox handed to an agent, with where it stands."""

    class Status(models.TextChoices):
        TO_DO = "a_traiter", _("à traiter")
        IN_PROGRESS = "en_cours", _("en cours")
        DONE = "traite", _("traité")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="assignments")
    thread_id = models.UUIDField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_assignments",
    )
    status = models.CharField(_("statut"), max_length=16, choices=Status, default=Status.TO_DO)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attribution de conversation")
        verbose_name_plural = _("attributions de conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "thread_id"], name="assignment_one_per_conversation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id}:{self.thread_id} → {self.assignee_id} ({self.status})"
