"""Task boards: one per workspace, with columns of cards; a card has assignees (members of the
workspace), a due date, labels, a checklist and comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.models import BaseModel


class Board(BaseModel):
    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="board"
    )


class Column(BaseModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(_("nom"), max_length=80)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.name


class Card(BaseModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="cards")
    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="cards")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    labels = models.JSONField(_("étiquettes"), default=list, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_cards", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trashed_at = models.DateTimeField(null=True, blank=True)
    # When the due-date reminder was sent (once per due date).
    reminded_on = models.DateField(null=True, blank=True)
    # Its files, in the workspace drive (« Pièces jointes des tâches / <titre> »): made at the
    # first attachment and kept if the task is renamed.
    attachment_folder = models.ForeignKey(
        "files.Node", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tâche")
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    id = models.BigAutoField(primary_key=True)
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Comment(models.Model):
    id = models.BigAutoField(primary_key=True)
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]
