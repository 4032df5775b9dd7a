"""Fixtures every test can use: a private data directory and the personas of ARCHITECTURE.md §7.

The personas are the people of a commune: ``maire`` (organisation administrator),
``agent_voirie`` and ``agent_finances`` (agents of two departments), ``elu`` (elected official),
``invite_externe`` (a guest from outside) and ``anonyme`` (not signed in). Every policy is tested
against all of them; ``persona`` runs a test once per persona.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from beffroi.directory.models import Agent
from beffroi.directory.tests.factories import AgentFactory

PERSONAS = ("maire", "agent_voirie", "agent_finances", "elu", "invite_externe", "anonyme")


@pytest.fixture(autouse=True)
def _private_blobs(settings, tmp_path):
    """Each test writes blobs under its own temporary directory, never into ./var."""
    storage = dict(settings.STORAGES["default"])
    if storage["BACKEND"].endswith("FileSystemStorage"):
        storage["OPTIONS"] = {**storage.get("OPTIONS", {}), "location": tmp_path / "blobs"}
        settings.STORAGES = {**settings.STORAGES, "default": storage}


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def maire(db) -> Agent:
    return AgentFactory(
        username="maire",
        first_name="Claire",
        last_name="Dubois",
        job_title="Maire",
        kind=Agent.Kind.ELECTED,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def agent_voirie(db) -> Agent:
    return AgentFactory(
        username="agent.voirie", first_name="Karim", last_name="Benali", job_title="Agent de voirie"
    )


@pytest.fixture
def agent_finances(db) -> Agent:
    return AgentFactory(
        username="agent.finances",
        first_name="Sophie",
        last_name="Martin",
        job_title="Gestionnaire comptable",
    )


@pytest.fixture
def elu(db) -> Agent:
    return AgentFactory(
        username="elu",
        first_name="Jean",
        last_name="Leroy",
        job_title="Adjoint aux travaux",
        kind=Agent.Kind.ELECTED,
    )


@pytest.fixture
def invite_externe(db) -> Agent:
    return AgentFactory(
        username="archi.dupont",
        first_name="Léa",
        last_name="Dupont",
        job_title="Architecte",
        kind=Agent.Kind.GUEST,
    )


@pytest.fixture
def anonyme() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture(params=PERSONAS)
def persona(request) -> Agent | AnonymousUser:
    """The test runs once for each persona."""
    return request.getfixturevalue(request.param)
