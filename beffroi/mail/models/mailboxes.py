"""The mail store: domains and their DKIM keys, mailboxes and addresses, folders, messages.

The raw RFC 5322 bytes of each message are an encrypted blob of the drive's blob store
(``beffroi.files.blobs``), held through a ``PROTECT`` foreign key so the blob collector keeps
it; the rows here only index it. The store is designed for IMAP (RFC 3501, RFC 7162): each
folder has a UIDVALIDITY, the next UID to give and its highest MODSEQ; each message has a UID,
strictly increasing within its folder, and the MODSEQ of its last change; ``Expunged`` keeps
the UIDs removed from a folder with the MODSEQ of their removal, for QRESYNC.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


def new_uidvalidity() -> int:
    """A random non-zero 32-bit UIDVALIDITY (a folder created again gets another one)."""
    return secrets.randbelow(2**31 - 1) + 1


class Domain(BaseModel):
    """A mail domain of the organisation, stored as its ASCII (IDNA) form in lower case."""

    name = models.CharField(_("domaine"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("domaine de messagerie")
        verbose_name_plural = _("domaines de messagerie")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DkimKey(BaseModel):
    """A DKIM key of a domain. The private key (PEM) is sealed with a data key that the master
    key wraps (the drive's key records, see ``beffroi.mail.dkim_keys``); the public key is what
    the DNS record publishes. One key signs; a retired key stays published until
    ``published_until`` so that mail signed just before a rotation still verifies."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="dkim_keys")
    selector = models.CharField(_("sélecteur"), max_length=63)
    wrapped_key = models.BinaryField()
    sealed_private_key = models.BinaryField()
    public_key = models.TextField(_("clé publique"))  # base64 DER, the p= of the DNS record
    retired_at = models.DateTimeField(null=True, blank=True)
    published_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clé DKIM")
        verbose_name_plural = _("clés DKIM")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "selector"], name="dkim_key_unique_selector_per_domain"
            ),
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(retired_at=None),
                name="dkim_key_one_signing_key_per_domain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selector}._domainkey.{self.domain_id}"


class Mailbox(BaseModel):
    """Where mail for an address lands: an agent's own, or a service's shared one."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personnelle")
        SHARED = "shared", _("partagée")

    kind = models.CharField(_("type"), max_length=16, choices=Kind)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="mailboxes")
    # The whole address in lower case, domain in ASCII (IDNA) form.
    address = models.CharField(_("adresse"), max_length=320, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox",
    )
    quota_bytes = models.PositiveBigIntegerField(_("quota (octets)"), default=0)  # 0: none
    used_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("boîte aux lettres")
        verbose_name_plural = _("boîtes aux lettres")
        ordering = ["address"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="personal", owner__isnull=False)
                | Q(kind="shared", owner__isnull=True),
                name="mailbox_personal_has_owner_shared_has_none",
            )
        ]

    def __str__(self) -> str:
        return self.address


class Delegation(BaseModel):
    """Rights an agent or a group has on a mailbox that is not their own."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="delegations")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mail_delegations",
    )
    group = models.ForeignKey(
        "directory.AgentGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mail_delegations",
    )
    read = models.BooleanField(_("lire"), default=True)
    send_as = models.BooleanField(_("envoyer en tant que"), default=False)
    send_on_behalf = models.BooleanField(_("envoyer de la part de"), default=False)

    class Meta:
        verbose_name = _("délégation")
        verbose_name_plural = _("délégations")
        constraints = [
            models.CheckConstraint(
                condition=Q(agent__isnull=False, group__isnull=True)
                | Q(agent__isnull=True, group__isnull=False),
                name="delegation_to_one_agent_or_one_group",
            ),
            models.UniqueConstraint(
                fields=["mailbox", "agent"], name="delegation_unique_agent_per_mailbox"
            ),
            models.UniqueConstraint(
                fields=["mailbox", "group"], name="delegation_unique_group_per_mailbox"
            ),
        ]


class Alias(BaseModel):
    """Another address that delivers to a mailbox."""

    address = models.CharField(_("adresse"), max_length=320, unique=True)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("alias")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class Folder(BaseModel):
    class SpecialUse(models.TextChoices):
        NONE = "", _("aucun")
        INBOX = "inbox", _("Boîte de réception")
        SENT = "sent", _("Envoyés")
        DRAFTS = "drafts", _("Brouillons")
        TRASH = "trash", _("Corbeille")
        JUNK = "junk", _("Indésirables")
        ARCHIVE = "archive", _("Archives")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(_("nom"), max_length=200)
    special_use = models.CharField(max_length=16, choices=SpecialUse, blank=True, default="")
    uidvalidity = models.PositiveBigIntegerField(default=new_uidvalidity)
    uidnext = models.PositiveBigIntegerField(default=1)
    highestmodseq = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "name"], name="folder_unique_name"),
            models.UniqueConstraint(
                fields=["mailbox", "special_use"],
                condition=~Q(special_use=""),
                name="folder_one_per_special_use",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Message(BaseModel):
    """One message in one folder: its bytes are the blob, its rows the index."""

    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="messages")
    uid = models.PositiveBigIntegerField()
    modseq = models.PositiveBigIntegerField()
    blob = models.ForeignKey("files.Blob", on_delete=models.PROTECT, related_name="mail_messages")
    size = models.PositiveBigIntegerField()
    internal_date = models.DateTimeField()
    seen = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    draft = models.BooleanField(default=False)
    keywords = models.JSONField(default=list)
    # The header index (decoded text; the raw bytes stay in the blob).
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.JSONField(default=list)
    subject = models.TextField(blank=True)
    sender = models.TextField(blank=True)  # From:
    to = models.TextField(blank=True)
    cc = models.TextField(blank=True)
    date = models.DateTimeField(null=True, blank=True)
    thread_id = models.UUIDField(db_index=True)
    structure = models.JSONField(default=dict)
    # The SMTP envelope it arrived with (empty for a message appended by a client).
    envelope_sender = models.CharField(max_length=320, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["folder", "uid"]
        constraints = [
            models.UniqueConstraint(fields=["folder", "uid"], name="message_unique_uid"),
        ]
        indexes = [models.Index(fields=["folder", "modseq"], name="message_by_modseq")]

    def __str__(self) -> str:
        return f"{self.folder_id}:{self.uid}"


class Expunged(models.Model):
    """A UID removed from a folder, with the MODSEQ of its removal (RFC 7162 QRESYNC)."""

    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="expunged")
    uid = models.PositiveBigIntegerField()
    modseq = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["folder", "uid"], name="expunged_unique_uid"),
        ]
        indexes = [models.Index(fields=["folder", "modseq"], name="expunged_by_modseq")]

    def __str__(self) -> str:
        return f"{self.folder_id}:{self.uid}@{self.modseq}"
