"""The search index: one entry per searchable object, and the text extracted from file contents.

An entry keeps the object's original title and body (for snippets) and their analysed form
(``beffroi.search.french``), which the engine indexes: an FTS5 table kept in step by triggers on
SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL (see the migrations).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One searchable object, as its capability last described it."""

    # An integer key: it is the rowid of the FTS5 table on SQLite.
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("type"), max_length=32)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64)
    scope = models.CharField(_("portée"), max_length=200)
    title = models.CharField(_("titre"), max_length=500)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("adresse"), max_length=1000)
    updated_at = models.DateTimeField(_("modifié le"))
    indexed_at = models.DateTimeField(_("indexé le"), auto_now=True)
    analysed_title = models.TextField(blank=True)
    analysed_body = models.TextField(blank=True)
    # One word standing for (kind, scope), indexed by FTS5 beside the text, so that SQLite
    # intersects the words asked with the scopes allowed inside the full-text index.
    access_term = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("entrée de l'index")
        verbose_name_plural = _("entrées de l'index")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique_object")
        ]
        indexes = [models.Index(fields=["kind", "scope"], name="search_entry_kind_scope")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class ExtractedText(models.Model):
    """The text of one file content (a blob), extracted once by the worker and reused by every
    file pointing to it (copies, restored versions, a rename, a reindex). It goes with its blob."""

    blob = models.OneToOneField(
        "files.Blob", on_delete=models.CASCADE, primary_key=True, related_name="extracted_text"
    )
    text = models.TextField(blank=True)
    # Why there is no (or only part of the) text: "unsupported", "too large", "encrypted"…
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("texte extrait")
        verbose_name_plural = _("textes extraits")

    def __str__(self) -> str:
        return self.blob_id
