"""Fixtures every test can use: a private data directory and the personas of ARCHITECTURE.md §7.

The personas are the people of a commune: ``maire`` (organisation administrator),
``agent_voirie`` and ``agent_finances`` (agents of two departments), ``elu`` (elected official),
``invite_externe`` (a guest from outside) and ``anonyme`` (not signed in). Every policy is tested
against all of them; ``persona`` runs a test once per persona.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from beffroi.directory.models import Agent, Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory

# Playwright fixtures (browser, desktop, phone) for every browser test module; a SeaweedFS S3
# gateway (seaweedfs, blob_backend) for the drive's storage tests.
pytest_plugins = ["beffroi.web.tests.browser", "beffroi.files.tests.seaweedfs"]

PERSONAS = ("maire", "agent_voirie", "agent_finances", "elu", "invite_externe", "anonyme")


@pytest.fixture(autouse=True)
def _private_blobs(settings, tmp_path):
    """Each test writes blobs under its own temporary directory, never into ./var."""
    storage = dict(settings.STORAGES["default"])
    if storage["BACKEND"].endswith("FileSystemStorage"):
        storage["OPTIONS"] = {**storage.get("OPTIONS", {}), "location": tmp_path / "blobs"}
        settings.STORAGES = {**settings.STORAGES, "default": storage}
    # The drive's own store (the demo seed fills it from tests outside beffroi/files too).
    settings.FILES_BLOB_DIR = tmp_path / "drive-blobs"
    settings.FILES_MASTER_KEY_FILE = tmp_path / "master.key"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.1 s a hash by design; tests that are not about hashing use a fast one.
    (The sign-in timing benchmark and the process-level tests keep Argon2.)"""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def services_techniques(db) -> Department:
    return Department.objects.get_or_create(
        code="TECHNIQUES", defaults={"name": "Services techniques"}
    )[0]


@pytest.fixture
def voirie(services_techniques) -> Department:
    return Department.objects.get_or_create(
        code="VOIRIE", defaults={"name": "Voirie", "parent": services_techniques}
    )[0]


@pytest.fixture
def finances(db) -> Department:
    return Department.objects.get_or_create(code="FINANCES", defaults={"name": "Finances"})[0]


def _member_of(agent: Agent, department: Department, *, manager: bool = False) -> Agent:
    DepartmentMembership.objects.get_or_create(
        agent=agent, department=department, defaults={"is_manager": manager}
    )
    return agent


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
def agent_voirie(voirie) -> Agent:
    agent = AgentFactory(
        username="agent.voirie", first_name="Karim", last_name="Benali", job_title="Agent de voirie"
    )
    return _member_of(agent, voirie)


@pytest.fixture
def agent_finances(finances) -> Agent:
    agent = AgentFactory(
        username="agent.finances",
        first_name="Sophie",
        last_name="Martin",
        job_title="Gestionnaire comptable",
    )
    return _member_of(agent, finances)


@pytest.fixture
def chef_services_techniques(services_techniques) -> Agent:
    """Not a persona of its own: the manager of Services techniques (and so of Voirie)."""
    agent = AgentFactory(
        username="chef.techniques",
        first_name="Michel",
        last_name="Garnier",
        job_title="Directeur des services techniques",
    )
    return _member_of(agent, services_techniques, manager=True)


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
