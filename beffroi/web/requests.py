"""Who is asking, and from where: the two facts every page that changes something passes on
to an action (the actor and the address of the audit trail)."""

from __future__ import annotations

from django.http import HttpRequest

from beffroi.directory.models import Agent


def acting_agent(request: HttpRequest) -> Agent:
    """The signed-in agent (the view is behind a sign-in check)."""
    assert isinstance(request.user, Agent)
    return request.user


def address_of(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))
