"""The events websocket: every open tab of an agent receives what concerns them, live."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from beffroi.core.events import agent_group

# Closing code (in the private 4000-4999 range) meaning "sign in first".
CLOSE_NOT_AUTHENTICATED = 4401


class EventsConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.group = agent_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "group", None)
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The stream is one-way for now: clients only listen.
        return None

    async def beffroi_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
