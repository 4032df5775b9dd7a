"""Notifying agents. Called by other capabilities' actions, inside their transaction: the rows
are written with the change, and each recipient's open tabs hear of it once it commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from beffroi.core.errors import InvalidInput
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory.models import Agent
from beffroi.notifications.models import Notification, Preference

EVENT = "notification.created"
MAX_TEXT = 500


def do_notify(
    recipients: Iterable[Agent], kind: str, text: str, url: str = "", *, actor: Any = None
) -> list[Notification]:
    """One notification per active recipient (never the actor about their own doing)."""
    actor_id = getattr(actor, "pk", None)
    targets = {
        agent.pk: agent for agent in recipients if agent.pk != actor_id and agent.can_sign_in
    }
    if not targets:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(agent_id=agent_id, kind=kind, text=text[:MAX_TEXT], url=url, actor=actor)
            for agent_id in targets
        ]
    )
    unread = _unread_counts(list(targets))
    for agent_id in targets:
        publish_on_commit(
            [agent_group(agent_id)],
            EVENT,
            {"kind": kind, "text": text[:MAX_TEXT], "url": url, "unread": unread.get(agent_id, 0)},
        )
    return created


def _unread_counts(agent_ids: list[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for agent_id in Notification.objects.filter(agent_id__in=agent_ids, read_at=None).values_list(
        "agent_id", flat=True
    ):
        counts[agent_id] = counts.get(agent_id, 0) + 1
    return counts


def do_mark_read(agent: Agent, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the agent's notifications read (all of them when no ids are given)."""
    with transaction.atomic():
        unread = Notification.objects.filter(agent=agent, read_at=None)
        if notification_ids is not None:
            unread = unread.filter(pk__in=list(notification_ids))
        return unread.update(read_at=timezone.now())


def do_set_digest(agent: Agent, digest: str) -> Preference:
    if digest not in Preference.Digest.values:
        raise InvalidInput(fields={"digest": [str(Preference.Digest.DAILY.label)]})
    with transaction.atomic():
        preference, _ = Preference.objects.update_or_create(
            agent=agent, defaults={"digest": digest}
        )
    return preference
