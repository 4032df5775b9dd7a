"""The mail tests' commune: the domain ville-exemple.fr (the personas' addresses are in it), so
every persona who exists when it is added has a mailbox."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from beffroi.mail.actions import do_add_domain
from beffroi.mail.models import Domain

DOMAIN = "ville-exemple.fr"


def message(
    *,
    sender: str = "expediteur@exterieur.example",
    to: str = "agent.voirie@ville-exemple.fr",
    subject: str = "Demande de renseignements",
    body: str = "Bonjour,\r\n\r\nPouvez-vous me rappeler ?\r\n",
    headers: str = "",
) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Mon, 30 Nov 2026 10:00:00 +0100\r\n{headers}"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()


@pytest.fixture
def protocol_connections():
    """Close the database connection the SMTP handlers' worker thread opened (an open one
    keeps PostgreSQL from dropping the test database)."""
    yield
    asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture
def domain(maire, agent_voirie, agent_finances, elu, invite_externe) -> Domain:
    return do_add_domain(DOMAIN)
