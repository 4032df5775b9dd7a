"""An agent's own notifications (nobody reads another's)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from beffroi.notifications.models import Notification, Preference


def access_notifications(user: Any, *, limit: int = 50) -> list[Notification]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Notification.objects.filter(agent=user)
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )


def unread(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(agent=user, read_at=None)


def access_unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread(user).count()


def access_digest(user: Any) -> str:
    preference = Preference.objects.filter(agent=user).first()
    return preference.digest if preference else Preference.Digest.DAILY.value
