"""Reads of the OIDC provider's clients, for a given person: administrators only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from oauth2_provider.models import Application

from beffroi.core.errors import NotFound
from beffroi.directory import policies
from beffroi.directory.models import Agent


def access_clients(user: Agent | AnonymousUser) -> list[Application]:
    """Every registered client, for an administrator; nothing for anyone else."""
    if not policies.is_administrator(user):
        return []
    return list(Application.objects.order_by("name", "id"))


def access_client_by_id(user: Agent | AnonymousUser, client_pk: int) -> Application:
    """One client, or the same ``NotFound`` whether it is missing or the person may not see it."""
    application: Application | None = (
        Application.objects.filter(pk=client_pk).first()
        if policies.is_administrator(user)
        else None
    )
    if application is None:
        raise NotFound()
    return application
