"""Wiki pages: a tree per workspace (the intranet is the organisation's listed workspace), in
Markdown, with every saved version kept and the links between pages known both ways."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


class Page(BaseModel):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="pages"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(_("titre"), max_length=200)
    # The title folded (lower case, no accents): links by title find the page through it.
    title_key = models.CharField(max_length=200, db_index=True)
    body = models.TextField(_("contenu"), blank=True)
    version = models.PositiveIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)
    trashed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("page")
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "title_key"],
                condition=Q(trashed_at=None),
                name="wiki_page_unique_living_title",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PageVersion(models.Model):
    """A page as one save left it."""

    id = models.BigAutoField(primary_key=True)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when this save merged someone else's concurrent changes.
    merged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.number}"


class PageLink(models.Model):
    """``[[Titre]]`` written in ``source``: the backlinks of the page with that title."""

    id = models.BigAutoField(primary_key=True)
    source = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="links")
    target_key = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target_key"], name="wiki_link_once")
        ]

    def __str__(self) -> str:
        return self.target_key
