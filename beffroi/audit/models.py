"""The audit trail: append-only events, each sealed with the hash of the one before."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security-relevant thing that happened. Never updated, never deleted by Beffroi.

    The actor is kept by value (id and label), not as a foreign key: the trail must stay
    verifiable whatever happens to the accounts it names.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor_id = models.UUIDField(_("auteur"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("nom de l'auteur"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("adresse"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("type de cible"), max_length=80, blank=True)
    target_id = models.CharField(_("cible"), max_length=80, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("événements d'audit")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action}"


class AuditChainHead(models.Model):
    """A single row holding the newest hash; locking it orders concurrent writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("tête de chaîne d'audit")

    def __str__(self) -> str:
        return self.last_hash


class AuditCheckpoint(models.Model):
    """Where the kept chain starts after a prune: the last pruned event's id and hash, signed.

    The signature is an HMAC keyed from the secret key, so someone who can write to the
    database but does not hold the key can neither forge a checkpoint nor edit one.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    last_event_id = models.BigIntegerField(_("dernier événement élagué"), unique=True)
    last_hash = models.CharField(_("sceau du dernier événement élagué"), max_length=64)
    pruned_count = models.BigIntegerField(_("événements élagués"))
    pruned_before = models.DateTimeField(_("élagués avant le"))
    signature = models.CharField(_("signature"), max_length=64)

    class Meta:
        ordering = ["last_event_id"]
        verbose_name = _("point de contrôle d'audit")
        verbose_name_plural = _("points de contrôle d'audit")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} ≤ {self.last_event_id}"
