"""Favourites: nodes an agent pins to find them again."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from beffroi.core.errors import NotFound
from beffroi.files import policies
from beffroi.files.models import Favourite, Node


def do_set_favourite(actor: Any, node: Node, pinned: bool) -> None:
    """Pin or unpin ``node`` for ``actor`` (pinning twice is pinning once)."""
    if not policies.abilities(actor, node).read:
        raise NotFound
    with transaction.atomic():
        if pinned:
            Favourite.objects.get_or_create(agent=actor, node=node)
        else:
            Favourite.objects.filter(agent=actor, node=node).delete()
