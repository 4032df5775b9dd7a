"""A space's own quota, set by an administrator over the default of its kind."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed
from beffroi.files.models import Space


def do_set_space_quota(
    actor: Any, space: Space, quota_bytes: int | None, *, address: str | None = None
) -> Space:
    """Give ``space`` its own limit in bytes (0: no limit), or None to follow the default."""
    if not getattr(actor, "is_superuser", False):
        raise NotAllowed
    if quota_bytes is not None and quota_bytes < 0:
        message = gettext("Un quota ne peut pas être négatif.")
        raise InvalidInput(message, fields={"quota_bytes": [message]})
    with transaction.atomic():
        space = Space.objects.select_for_update().get(pk=space.pk)
        previous = space.quota_bytes
        space.quota_bytes = quota_bytes
        space.save(update_fields=["quota_bytes", "updated_at"])
        record(
            "files.space.quota_changed",
            actor=actor,
            target=space,
            address=address,
            details={"from": previous, "to": quota_bytes},
        )
    return space
