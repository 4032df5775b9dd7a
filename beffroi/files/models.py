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

from beffroi.core.models import BaseModel, one_grantee


class Space(BaseModel):
    """A drive: one per agent, one per department, one per workspace."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personnel")
        DEPARTMENT = "department", _("service")
        WORKSPACE = "workspace", _("espace de travail")

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
    workspace = models.OneToOneField(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space",
    )
    # Overrides the default quota of its kind (BEFFROI_FILES_*_QUOTA_MIB); 0 means no limit.
    quota_bytes = models.BigIntegerField(_("quota (octets)"), null=True, blank=True)

    class Meta:
        verbose_name = _("espace")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="personal",
                        owner__isnull=False,
                        department__isnull=True,
                        workspace__isnull=True,
                    )
                )
                | Q(
                    kind="department",
                    owner__isnull=True,
                    department__isnull=False,
                    workspace__isnull=True,
                )
                | Q(
                    kind="workspace",
                    owner__isnull=True,
                    department__isnull=True,
                    workspace__isnull=False,
                ),
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
    # Roles given above this folder (shares, and a department's members) stop here; the space's
    # managers keep theirs (see ``policies``).
    stops_inheritance = models.BooleanField(_("n'hérite pas des droits"), default=False)

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


class Share(BaseModel):
    """A role on a folder or a file (and what it holds) given to an agent, a group of agents or
    a department (with the departments below it). Workspaces will add their own grantee column
    here, and to ``files_share_one_grantee``."""

    class Role(models.TextChoices):
        READER = "reader", _("lecteur")
        EDITOR = "editor", _("éditeur")
        MANAGER = "manager", _("gestionnaire")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="shares")
    role = models.CharField(_("rôle"), max_length=16, choices=Role)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="file_shares",
    )
    group = models.ForeignKey(
        "directory.AgentGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="file_shares",
    )
    department = models.ForeignKey(
        "directory.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="file_shares",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("partage")
        constraints = [
            one_grantee("files_share_one_grantee"),
            models.UniqueConstraint(
                fields=["node", "agent"],
                condition=Q(agent__isnull=False),
                name="files_share_unique_agent",
            ),
            models.UniqueConstraint(
                fields=["node", "group"],
                condition=Q(group__isnull=False),
                name="files_share_unique_group",
            ),
            models.UniqueConstraint(
                fields=["node", "department"],
                condition=Q(department__isnull=False),
                name="files_share_unique_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node} · {self.role}"


class PublicLink(BaseModel):
    """An address anyone may open without an account: to read a folder or a file, or to drop
    documents into a folder (a deposit box). Revoking keeps the row, and its access log."""

    class Kind(models.TextChoices):
        READ = "read", _("lecture")
        DEPOSIT = "deposit", _("dépôt")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="public_links")
    kind = models.CharField(_("type"), max_length=16, choices=Kind)
    # 256 random bits, URL-safe: the link itself is the capability, shown again to its owner.
    token = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    password_hash = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    max_downloads = models.PositiveIntegerField(_("téléchargements permis"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("téléchargements"), default=0)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_links",
    )

    class Meta:
        verbose_name = _("lien public")

    def __str__(self) -> str:
        return f"{self.node} · {self.kind}"


class PublicLinkAccess(models.Model):
    """One visit of a public link: what happened, when, and from where (the address is
    truncated: a visitor is not identified, a pattern of abuse still shows)."""

    class Event(models.TextChoices):
        VIEW = "view", _("consultation")
        DOWNLOAD = "download", _("téléchargement")
        UPLOAD = "upload", _("dépôt")
        WRONG_PASSWORD = "wrong_password", _("mot de passe erroné")
        EXPIRED = "expired", _("lien expiré")
        REVOKED = "revoked", _("lien révoqué")
        EXHAUSTED = "exhausted", _("limite de téléchargements atteinte")
        REFUSED = "refused", _("demande refusée")

    link = models.ForeignKey(PublicLink, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(_("le"))
    event = models.CharField(_("événement"), max_length=32, choices=Event)
    address = models.CharField(_("adresse (tronquée)"), max_length=64, blank=True)
    name = models.CharField(_("nom"), max_length=255, blank=True)
    size = models.BigIntegerField(_("taille"), null=True, blank=True)

    class Meta:
        verbose_name = _("accès à un lien public")
        indexes = [models.Index(fields=["link", "at"], name="files_link_access_at")]

    def __str__(self) -> str:
        return f"{self.event} @ {self.at:%Y-%m-%d %H:%M}"


class Favourite(BaseModel):
    """A node an agent pinned to find it again from the drive's home page."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_nodes"
    )
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="favourites")

    class Meta:
        verbose_name = _("favori")
        constraints = [
            models.UniqueConstraint(fields=["agent", "node"], name="files_favourite_unique")
        ]


class UploadSession(BaseModel):
    """A resumable upload in progress: the browser sends the file in chunks, in order, and may
    ask at any time how far the server got. The chunks live in the database (sealed with this
    upload's own data key, wrapped by the master key), so any node of a cluster can take the
    next one; ``finish`` streams them into the blob store."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_sessions"
    )
    parent = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="upload_sessions")
    # Where the file goes below ``parent``: "name", or "folder/…/name" for a dropped folder.
    path = models.CharField(_("chemin"), max_length=4096)
    size = models.BigIntegerField(_("taille"))
    received = models.BigIntegerField(_("reçu"), default=0)
    wrapped_key = models.BinaryField(_("clé de données chiffrée"))

    class Meta:
        verbose_name = _("envoi en cours")
        indexes = [models.Index(fields=["updated_at"])]


class UploadChunk(models.Model):
    """One sealed piece of an upload, starting at ``offset`` of the file."""

    session = models.ForeignKey(UploadSession, on_delete=models.CASCADE, related_name="chunks")
    offset = models.BigIntegerField()
    size = models.IntegerField()
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "offset"], name="files_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}@{self.offset}"


class Thumbnail(models.Model):
    """A small preview of an image, made by a background task; one per content (blob)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        READY = "ready", _("prête")
        REFUSED = "refused", _("refusée")

    blob = models.OneToOneField(
        Blob, on_delete=models.CASCADE, primary_key=True, related_name="thumbnail"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    data = models.BinaryField(blank=True, default=b"")
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vignette")

    def __str__(self) -> str:
        return self.blob_id
