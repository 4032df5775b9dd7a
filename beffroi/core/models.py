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


def one_grantee(name: str) -> models.CheckConstraint:
    """A grant (a share, a membership) goes to exactly one of an agent, a group or a whole
    department: the row has one of its three ``agent``, ``group``, ``department`` keys set."""
    return models.CheckConstraint(
        condition=models.Q(agent__isnull=False, group__isnull=True, department__isnull=True)
        | models.Q(agent__isnull=True, group__isnull=False, department__isnull=True)
        | models.Q(agent__isnull=True, group__isnull=True, department__isnull=False),
        name=name,
    )
