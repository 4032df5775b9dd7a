"""The base every Beffroi model shares."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """A UUID primary key (no guessable, countable ids in URLs) and creation/update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True
