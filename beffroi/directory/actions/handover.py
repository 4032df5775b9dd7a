"""Handing a departed agent's data over to a colleague.

Each capability that owns data (files, calendars, mail…) registers a hook when its app is ready:
``register_handover("files", transfer_files)``. A hook moves what ``previous`` owns to ``successor``
inside the caller's transaction and returns how many things it moved.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent

HandoverHook = Callable[[Agent, Agent], int]

_hooks: dict[str, HandoverHook] = {}


def register_handover(capability: str, hook: HandoverHook) -> None:
    """Called from an app's ``ready()``; registering the same capability twice replaces it."""
    _hooks[capability] = hook


def registered_capabilities() -> list[str]:
    return sorted(_hooks)


def do_transfer_ownership(
    previous: Agent, successor: Agent, *, acting: Agent, address: str | None = None
) -> dict[str, int]:
    """Move everything ``previous`` owns to ``successor``, all capabilities or none."""
    if previous.pk == successor.pk:
        raise InvalidInput(fields={"successor": [_("Choisissez un autre agent.")]})
    if not successor.can_sign_in:
        raise InvalidInput(fields={"successor": [_("Le successeur doit être un agent actif.")]})
    with transaction.atomic():
        moved = {capability: hook(previous, successor) for capability, hook in _hooks.items()}
        record(
            "directory.ownership_transferred",
            actor=acting,
            target=previous,
            address=address,
            details={"successor": successor.username, "moved": moved},
        )
    return moved
