"""What an agent is told: a mention, an assignment, an invitation. Shown under the bell in the
page header (live, through the events websocket) and gathered into an e-mail digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MENTION = "mention", _("mention")
    ASSIGNMENT = "assignment", _("attribution")
    INVITATION = "invitation", _("invitation")
    JOIN_REQUEST = "join_request", _("demande d'adhésion")


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the mail digest (or the immediate mail) has carried it.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "read_at"])]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """How an agent wants to hear of notifications by e-mail."""

    class Digest(models.TextChoices):
        IMMEDIATE = "immediate", _("dès qu'elle arrive")
        DAILY = "daily", _("un résumé par jour")
        NEVER = "never", _("jamais")

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest = models.CharField(
        _("notifications par courriel"), max_length=16, choices=Digest, default=Digest.DAILY
    )
    # The day the last daily digest left (one a day at most).
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agent_id} · {self.digest}"
