"""Shared steps of the public-link, trash, version and quota tests (plain functions)."""

from __future__ import annotations

import re

from django.test import Client

from beffroi.directory.actions import do_create_api_token
from beffroi.directory.models import Agent, Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import access, actions
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node

_MAIN = re.compile(rb"<main.*</main>", re.DOTALL)


def urbanism_manager() -> tuple[Agent, Node]:
    """The head of the urbanism department and the root of its drive."""
    urbanisme, _ = Department.objects.get_or_create(
        code="URBANISME", defaults={"name": "Urbanisme"}
    )
    chef = AgentFactory(username="chef.urbanisme", first_name="Nadia", last_name="Roux")
    DepartmentMembership.objects.create(agent=chef, department=urbanisme, is_manager=True)
    space = actions.do_open_department_space(urbanisme)
    return chef, access.access_root(chef, space)


def personal_root(agent: Agent) -> Node:
    return access.access_root(agent, actions.do_open_personal_space(agent))


def api_client(agent: Agent) -> Client:
    _token, clear_text = do_create_api_token(agent, "tests")
    return Client(headers={"Authorization": f"Bearer {clear_text}"})


def content_of(node: Node) -> bytes:
    node.refresh_from_db()
    assert node.current_version is not None
    with blob_store().open_read(node.current_version.blob_id) as reader:
        return bytes(reader.read())


def main_of(body: bytes) -> bytes:
    """What a page says (the shell around it carries each answer's own CSRF token and
    address)."""
    found = _MAIN.search(body)
    assert found is not None
    return found.group(0)
