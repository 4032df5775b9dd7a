"""Notifications endpoints: the caller's own, and marking them read."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from beffroi.api.auth import caller
from beffroi.api.schemas import AUTHENTICATED_ERRORS, WRITE_ERRORS
from beffroi.notifications import access, actions

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime.datetime
    read: bool


class MarkedOut(Schema):
    marked: int


@router.get(
    "", response={200: list[NotificationOut], **AUTHENTICATED_ERRORS}, summary="Mes notifications"
)
def list_notifications(request: HttpRequest) -> list[NotificationOut]:
    agent = caller(request)
    return [
        NotificationOut(
            id=n.pk,
            kind=n.kind,
            text=n.text,
            url=n.url,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in access.access_notifications(agent)
    ]


@router.post("/read", response={200: MarkedOut, **WRITE_ERRORS}, summary="Tout marquer comme lu")
def mark_read(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=actions.do_mark_read(caller(request)))
