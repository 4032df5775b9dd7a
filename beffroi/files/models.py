"""Spaces, the tree of folders and files in each, their versions, and the blobs they point to.

A space is an agent's personal drive or a department's shared drive. A node is a folder or a
file; a file's content is its current version, which points to an encrypted, content-addressed
blob. Deleting puts a node in the trash (``trashed_at``): names are unique among the living
children of a folder only. Dead WebDAV properties and WebDAV locks live here too, so that every
node of a cluster sees the same ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


class Space(BaseModel):
    """A drive: one per agent, one per department."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personnel")
        DEPARTMENT = "department", _("service")

    kind = models.CharField(_("type"), max_length=16, choices=Kind)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_space",
    )
    department = models.OneToOneField(
        "directory.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space",
    )

    class Meta:
        verbose_name = _("espace")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="personal", owner__isnull=False, department__isnull=True))
                | Q(kind="department", owner__isnull=True, department__isnull=False),
                name="files_space_owner_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.slug


class Blob(models.Model):
    """Encrypted content, addressed by the SHA-256 of its plaintext."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField(_("taille"))
    wrapped_key = models.BinaryField(_("clé de données chiffrée"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contenu")

    def __str__(self) -> str:
        return self.sha256


class Node(BaseModel):
    """A folder or a file in a space. A root folder has no parent and an empty name."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("nom"), max_length=255)
    is_folder = models.BooleanField(_("dossier"), default=False)
    current_version = models.ForeignKey(
        "Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    size = models.BigIntegerField(_("taille"), default=0)
    content_type = models.CharField(_("type de contenu"), max_length=150, blank=True)
    etag = models.CharField(max_length=64, blank=True)
    modified_at = models.DateTimeField(_("modifié le"))
    trashed_at = models.DateTimeField(_("mis à la corbeille le"), null=True, blank=True)

    class Meta:
        verbose_name = _("élément")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(trashed_at__isnull=True),
                name="files_node_unique_living_name",
            ),
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(parent__isnull=True),
                name="files_node_one_root_per_space",
            ),
        ]
        indexes = [models.Index(fields=["parent", "trashed_at"])]

    def __str__(self) -> str:
        return self.name or "/"


class Version(BaseModel):
    """One saved content of a file. Overwriting adds a version; the node points to the newest."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="versions")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="versions")
    size = models.BigIntegerField(_("taille"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version")
        ordering = ["-created_at"]


class DeadProperty(models.Model):
    """A WebDAV property a client set with PROPPATCH, kept as its XML."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="dead_properties")
    namespace = models.CharField(max_length=500)
    name = models.CharField(max_length=255)
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "namespace", "name"], name="files_dead_property_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{{{self.namespace}}}{self.name}"


class Lock(models.Model):
    """A WebDAV lock on a path (which may not exist yet: a lock-null resource)."""

    token = models.CharField(max_length=200, primary_key=True)
    # Quoted URL paths can outgrow a B-tree entry; the table only holds live locks.
    root = models.TextField()
    principal = models.CharField(max_length=150)
    owner = models.TextField(blank=True)
    scope = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, default="write")
    depth = models.CharField(max_length=8)
    timeout = models.FloatField()
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return self.token
