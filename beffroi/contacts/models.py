"""Address books, the vCards they hold, who they are shared with, and the log of changes
behind sync tokens.

The vCard text of each card is stored exactly as accepted (clients get back the bytes they
wrote; the ETag depends on them). The name, e-mail, phone and organisation columns only index
searches. The organisation's global address book is not stored here: it is generated from the
directory (``directory_book.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel, one_grantee


class AddressBook(BaseModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="address_books"
    )
    slug = models.SlugField(_("identifiant"), max_length=100)
    name = models.CharField(_("nom"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # Bumped by every change to the book or its cards: the CTag and the sync token.
    revision = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("carnet d'adresses")
        verbose_name_plural = _("carnets d'adresses")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "slug"], name="address_book_unique_slug_per_owner"
            )
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShareRole(models.TextChoices):
    READER = "reader", _("lecteur")
    EDITOR = "editor", _("éditeur")
    MANAGER = "manager", _("gestionnaire")


class AddressBookShare(BaseModel):
    """An address book shared with one agent, one group or one department (and the
    departments below it), with a role."""

    address_book = models.ForeignKey(AddressBook, on_delete=models.CASCADE, related_name="shares")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="address_book_shares",
    )
    group = models.ForeignKey(
        "directory.AgentGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="address_book_shares",
    )
    department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="address_book_shares",
    )
    role = models.CharField(_("rôle"), max_length=16, choices=ShareRole, default=ShareRole.READER)

    class Meta:
        verbose_name = _("partage de carnet d'adresses")
        verbose_name_plural = _("partages de carnets d'adresses")
        constraints = [
            one_grantee("address_book_share_one_grantee"),
            models.UniqueConstraint(
                fields=["address_book", "agent"], name="address_book_share_unique_agent"
            ),
            models.UniqueConstraint(
                fields=["address_book", "group"], name="address_book_share_unique_group"
            ),
            models.UniqueConstraint(
                fields=["address_book", "department"], name="address_book_share_unique_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address_book} → {self.agent or self.group or self.department}"


class Card(BaseModel):
    """One address object resource: a single vCard (3.0 or 4.0)."""

    address_book = models.ForeignKey(AddressBook, on_delete=models.CASCADE, related_name="cards")
    # The resource name in the address-book collection (``<name>`` in ``…/contacts/<name>``).
    name = models.CharField(max_length=255)
    uid = models.CharField(max_length=255)
    version = models.CharField(max_length=8)
    data = models.TextField()
    etag = models.CharField(max_length=80)
    # Search columns, lower-cased where it helps a case-insensitive search.
    full_name = models.CharField(_("nom"), max_length=255, blank=True)
    emails = models.TextField(_("adresses électroniques"), blank=True)
    phones = models.TextField(_("téléphones"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["address_book", "name"], name="card_unique_name"),
            models.UniqueConstraint(fields=["address_book", "uid"], name="card_unique_uid"),
        ]
        indexes = [models.Index(fields=["address_book", "full_name"], name="card_by_name")]

    def __str__(self) -> str:
        return self.full_name or self.name


class CardChange(models.Model):
    """The last change of each resource name of an address book, at the revision it was made
    (one row per name, updated in place), for RFC 6578 sync-collection."""

    id = models.BigAutoField(primary_key=True)
    address_book = models.ForeignKey(AddressBook, on_delete=models.CASCADE, related_name="changes")
    name = models.CharField(max_length=255)
    uid = models.CharField(max_length=255)
    revision = models.PositiveBigIntegerField()
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address_book", "name"], name="card_change_unique_name")
        ]
        indexes = [
            models.Index(fields=["address_book", "revision"], name="card_change_by_revision")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.revision}"
