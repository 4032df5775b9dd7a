"""Realtime events: published to the channel layer once the transaction that caused them commits.

An action calls ``publish_on_commit``; websocket consumers (``beffroi.realtime``) relay what their
groups receive. With the in-memory layer this reaches the current process; with Redis, every node.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def agent_group(agent_id: object) -> str:
    """The channel-layer group that reaches every open tab of one agent."""
    return f"agent.{agent_id}"


def publish_on_commit(groups: Iterable[str], event_type: str, payload: Mapping[str, Any]) -> None:
    """Send ``{type, payload}`` to each group after the current transaction commits."""
    message = {"type": "beffroi.event", "event": {"type": event_type, "payload": dict(payload)}}
    targets = list(groups)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group in targets:
            try:
                async_to_sync(layer.group_send)(group, message)
            except Exception:
                # A realtime hiccup must not undo or hide a committed change.
                logger.exception("realtime event not delivered", extra={"fields": {"group": group}})

    transaction.on_commit(send)
