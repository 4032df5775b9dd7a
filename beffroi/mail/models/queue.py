"""The outbound queue: messages submitted for recipients outside the organisation, and the
delivery state of each of those recipients.

A message stays queued while one of its recipients is still ``pending``; recipients are
grouped by domain at delivery, so a domain that is down is retried alone. A worker takes a
message by setting ``claimed_until`` (a lease) with one conditional ``UPDATE`` that only one
worker can win, on SQLite as on PostgreSQL; a worker that dies loses its claim when the lease
ends. The raw bytes (already DKIM-signed) are a blob held through a ``PROTECT`` foreign key,
so the blob collector keeps them until the row goes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


class QueuedMessage(BaseModel):
    """A message submitted for recipients outside the organisation, waiting to be sent."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="queued_mail",
    )
    envelope_sender = models.CharField(max_length=320)
    recipients = models.JSONField(default=list)  # as submitted; the state is in QueuedRecipient
    blob = models.ForeignKey("files.Blob", on_delete=models.PROTECT, related_name="queued_mail")
    size = models.PositiveBigIntegerField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    # A worker's lease on the message: nobody else takes it before this time.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The "not yet delivered" notice went to the sender (at most once).
    delay_notified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("message en file d'attente")
        verbose_name_plural = _("messages en file d'attente")
        ordering = ["next_attempt_at"]
        indexes = [models.Index(fields=["next_attempt_at"], name="queued_message_due")]

    def __str__(self) -> str:
        return f"{self.envelope_sender} → {len(self.recipients)}"


class QueuedRecipient(BaseModel):
    """One outside recipient of a queued message and where its delivery stands."""

    class State(models.TextChoices):
        PENDING = "pending", _("en attente")
        DELIVERED = "delivered", _("remis")
        FAILED = "failed", _("échec définitif")

    message = models.ForeignKey(
        QueuedMessage, on_delete=models.CASCADE, related_name="recipient_states"
    )
    address = models.CharField(_("adresse"), max_length=320)
    domain = models.CharField(_("domaine"), max_length=253)
    state = models.CharField(_("état"), max_length=16, choices=State, default=State.PENDING)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("destinataire en file d'attente")
        verbose_name_plural = _("destinataires en file d'attente")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "address"], name="queued_recipient_unique_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.state})"
