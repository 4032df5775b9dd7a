"""Done-when 5 of the Drive: one matrix of who may do what, run through WebDAV and the API.

Urbanisme shares its « Plans » folder with the Voirie department as reader; « Plans/Confidentiel »
stops inheritance. Every (persona, operation) pair has one expected outcome, and both adapters
must give it: ``ok``, ``forbidden`` (403: seen but not allowed) or ``hidden`` (404, as for a path
that does not exist; 409 for a WebDAV write whose parent folder cannot be seen, as RFC 4918 says
of a missing parent). WebDAV requests go through the real WsgiDAV engine at ``/dav/spaces/``
with HTTP Basic and an app password; API requests through Django's full stack at ``/api/v1/``.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from django.test import Client

from beffroi.dav.spaces import MOUNT_PATH, SpacesProvider
from beffroi.dav.tests.conftest import DavClient
from beffroi.directory.actions.app_passwords import do_create_app_password
from beffroi.directory.models import Agent, Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import actions
from beffroi.files.models import Node

PLAN = b"Plan masse du lotissement des Tilleuls, echelle 1/500\n"
SECRET = b"Negociation fonciere parcelle AB 112: ne pas diffuser\n"
BUDGET = b"poste;montant\netudes;12000\n"


@dataclass
class Drive:
    """The Urbanisme drive of the story, and the nodes by name."""

    nodes: dict[str, Node]

    def path(self, name: str) -> str:
        return {
            "plans": "/urbanisme/Plans/",
            "plan": "/urbanisme/Plans/plan-masse.txt",
            "confidentiel": "/urbanisme/Plans/Confidentiel/",
            "secret": "/urbanisme/Plans/Confidentiel/negociation.txt",
            "budget": "/urbanisme/Budget/budget.csv",
        }[name]


@pytest.fixture
def urbanisme(db) -> Department:
    return Department.objects.create(code="URBANISME", name="Urbanisme")


@pytest.fixture
def chef_urbanisme(urbanisme) -> Agent:
    agent = AgentFactory(username="chef.urbanisme", first_name="Nadia", last_name="Roux")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme, is_manager=True)
    return agent


@pytest.fixture
def agent_urbanisme(urbanisme) -> Agent:
    agent = AgentFactory(username="agent.urbanisme", first_name="Paul", last_name="Girard")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme)
    return agent


@pytest.fixture
def drive(urbanisme, chef_urbanisme, voirie) -> Drive:
    space = actions.do_open_department_space(urbanisme)
    root = Node.objects.select_related("space").get(space=space, parent=None)
    plans = actions.do_create_folder(chef_urbanisme, root, "Plans")
    plan = actions.do_upload(chef_urbanisme, plans, "plan-masse.txt", [PLAN])
    confidentiel = actions.do_create_folder(chef_urbanisme, plans, "Confidentiel")
    secret = actions.do_upload(chef_urbanisme, confidentiel, "negociation.txt", [SECRET])
    budget_folder = actions.do_create_folder(chef_urbanisme, root, "Budget")
    budget = actions.do_upload(chef_urbanisme, budget_folder, "budget.csv", [BUDGET])
    actions.do_share(chef_urbanisme, plans, voirie, "reader")
    actions.do_set_inheritance(chef_urbanisme, confidentiel, inherits=False)
    return Drive(
        {
            "root": root,
            "plans": plans,
            "plan": plan,
            "confidentiel": confidentiel,
            "secret": secret,
            "budget_folder": budget_folder,
            "budget": budget,
        }
    )


# --- The two adapters --------------------------------------------------------------------------


class Adapter:
    name = ""

    def __init__(self, agent: Agent) -> None:
        _, self.secret = do_create_app_password(agent, "matrice", ["files", "api"])
        self.agent = agent


class WebDav(Adapter):
    name = "webdav"

    def __init__(self, agent: Agent) -> None:
        super().__init__(agent)
        self.client = DavClient(
            agent.username, self.secret, mount_path=MOUNT_PATH, provider=SpacesProvider()
        )

    def status(self, method: str, path: str, body: bytes = b"", **headers: str) -> int:
        # As a real server hands it over: the UTF-8 bytes of the path, read as latin-1 (PEP 3333).
        wsgi_path = path.encode().decode("latin-1")
        return self.client.request(
            method, wsgi_path, body, {"Host": "testserver", **headers}
        ).status

    def listing(self, path: str) -> set[str]:
        answer = self.client.request("PROPFIND", path, b"", {"Depth": "1"})
        assert answer.status == 207, answer.body
        hrefs = [
            unquote(href.text or "")
            for href in ET.fromstring(answer.body).iter("{DAV:}href")  # noqa: S314 - our server
        ]
        here = MOUNT_PATH + path
        return {href.rstrip("/").rsplit("/", 1)[1] for href in hrefs if href != here}


class Api(Adapter):
    name = "api"

    def __init__(self, agent: Agent) -> None:
        super().__init__(agent)
        token = base64.b64encode(f"{agent.username}:{self.secret}".encode()).decode()
        self.client = Client(HTTP_AUTHORIZATION=f"Basic {token}")

    def url(self, node: Node, suffix: str = "") -> str:
        return f"/api/v1/files/nodes/{node.pk}{suffix}"

    def listing(self, node: Node) -> set[str]:
        answer = self.client.get(self.url(node, "/children"))
        assert answer.status_code == 200, answer.content
        return {child["name"] for child in answer.json()}


ADAPTERS: dict[str, type[WebDav] | type[Api]] = {"webdav": WebDav, "api": Api}


# --- Operations: the same act through each adapter, answering (status, state check) ---------


@dataclass(frozen=True)
class Outcome:
    status: int
    # For a write: did it happen? (None for a read.)
    happened: bool | None = None


def _created(parent: Node, name: str) -> bool:
    return Node.objects.filter(parent=parent, name=name, trashed_at=None).exists()


def _alive(node: Node) -> bool:
    node.refresh_from_db()
    return node.trashed_at is None


def list_plans(adapter: Adapter, drive: Drive) -> Outcome:
    if isinstance(adapter, WebDav):
        return Outcome(adapter.status("PROPFIND", drive.path("plans"), Depth="1"))
    assert isinstance(adapter, Api)
    return Outcome(adapter.client.get(adapter.url(drive.nodes["plans"], "/children")).status_code)


def _read(adapter: Adapter, drive: Drive, name: str, content: bytes) -> Outcome:
    if isinstance(adapter, WebDav):
        answer = adapter.client.request("GET", drive.path(name))
        status, body = answer.status, answer.body
    else:
        assert isinstance(adapter, Api)
        response = adapter.client.get(adapter.url(drive.nodes[name], "/content"))
        status = response.status_code
        body = b"".join(response.streaming_content) if status == 200 else b""  # type: ignore[attr-defined]
    if status == 200:
        assert body == content
    return Outcome(status)


def read_plan(adapter: Adapter, drive: Drive) -> Outcome:
    return _read(adapter, drive, "plan", PLAN)


def read_secret(adapter: Adapter, drive: Drive) -> Outcome:
    return _read(adapter, drive, "secret", SECRET)


def read_budget(adapter: Adapter, drive: Drive) -> Outcome:
    return _read(adapter, drive, "budget", BUDGET)


def list_confidentiel(adapter: Adapter, drive: Drive) -> Outcome:
    if isinstance(adapter, WebDav):
        return Outcome(adapter.status("PROPFIND", drive.path("confidentiel"), Depth="1"))
    assert isinstance(adapter, Api)
    url = adapter.url(drive.nodes["confidentiel"], "/children")
    return Outcome(adapter.client.get(url).status_code)


def upload_into_plans(adapter: Adapter, drive: Drive) -> Outcome:
    plans = drive.nodes["plans"]
    if isinstance(adapter, WebDav):
        status = adapter.status("PUT", drive.path("plans") + "releve.txt", b"releve\n")
    else:
        assert isinstance(adapter, Api)
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("releve.txt", b"releve\n", content_type="text/plain")
        status = adapter.client.post(adapter.url(plans, "/files"), {"file": upload}).status_code
    return Outcome(status, _created(plans, "releve.txt"))


def overwrite_plan(adapter: Adapter, drive: Drive) -> Outcome:
    plan = drive.nodes["plan"]
    before = plan.versions.count()
    if isinstance(adapter, WebDav):
        status = adapter.status("PUT", drive.path("plan"), b"plan modifie\n")
    else:
        assert isinstance(adapter, Api)
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("plan-masse.txt", b"plan modifie\n")
        url = adapter.url(drive.nodes["plans"], "/files")
        status = adapter.client.post(url, {"file": upload}).status_code
    return Outcome(status, plan.versions.count() > before)


def create_folder_in_plans(adapter: Adapter, drive: Drive) -> Outcome:
    plans = drive.nodes["plans"]
    if isinstance(adapter, WebDav):
        status = adapter.status("MKCOL", drive.path("plans") + "Relevés")
    else:
        assert isinstance(adapter, Api)
        status = adapter.client.post(
            adapter.url(plans, "/folders"), {"name": "Relevés"}, content_type="application/json"
        ).status_code
    return Outcome(status, _created(plans, "Relevés"))


def delete_plan(adapter: Adapter, drive: Drive) -> Outcome:
    if isinstance(adapter, WebDav):
        status = adapter.status("DELETE", drive.path("plan"))
    else:
        assert isinstance(adapter, Api)
        status = adapter.client.delete(adapter.url(drive.nodes["plan"])).status_code
    return Outcome(status, not _alive(drive.nodes["plan"]))


def rename_plan(adapter: Adapter, drive: Drive) -> Outcome:
    if isinstance(adapter, WebDav):
        target = f"http://testserver{MOUNT_PATH}{drive.path('plans')}plan-v2.txt"
        status = adapter.status("MOVE", drive.path("plan"), Destination=target)
    else:
        assert isinstance(adapter, Api)
        status = adapter.client.patch(
            adapter.url(drive.nodes["plan"]),
            {"name": "plan-v2.txt"},
            content_type="application/json",
        ).status_code
    return Outcome(status, _created(drive.nodes["plans"], "plan-v2.txt"))


Operation = Callable[[Adapter, Drive], Outcome]
OPERATIONS: dict[str, Operation] = {
    "list_plans": list_plans,
    "read_plan": read_plan,
    "upload_into_plans": upload_into_plans,
    "overwrite_plan": overwrite_plan,
    "create_folder_in_plans": create_folder_in_plans,
    "rename_plan": rename_plan,
    "delete_plan": delete_plan,
    "list_confidentiel": list_confidentiel,
    "read_secret": read_secret,
    "read_budget": read_budget,
}
WRITES = {
    "upload_into_plans",
    "overwrite_plan",
    "create_folder_in_plans",
    "rename_plan",
    "delete_plan",
}

# persona → outcome per operation, in OPERATIONS order.
OK, FORBIDDEN, HIDDEN = "ok", "forbidden", "hidden"
MATRIX: dict[str, tuple[str, ...]] = {
    # Voirie reads Plans through the share, writes nothing, and never sees Confidentiel.
    "agent_voirie": (OK, OK) + (FORBIDDEN,) * 5 + (HIDDEN, HIDDEN, HIDDEN),
    # A member of Urbanisme edits its drive, but Confidentiel cut the members' role off.
    "agent_urbanisme": (OK,) * 7 + (HIDDEN, HIDDEN, OK),
    # The head of Urbanisme manages the whole drive, inheritance or not.
    "chef_urbanisme": (OK,) * 10,
    # Finances has nothing in this drive.
    "agent_finances": (HIDDEN,) * 10,
}
CASES = [
    pytest.param(adapter, persona, operation, expected, id=f"{adapter}-{persona}-{operation}")
    for adapter in ADAPTERS
    for persona, outcomes in MATRIX.items()
    for operation, expected in zip(OPERATIONS, outcomes, strict=True)
]
SUCCESS = {
    "list_plans": {"webdav": 207, "api": 200},
    "list_confidentiel": {"webdav": 207, "api": 200},
    "read_plan": {"webdav": 200, "api": 200},
    "read_secret": {"webdav": 200, "api": 200},
    "read_budget": {"webdav": 200, "api": 200},
    "upload_into_plans": {"webdav": 201, "api": 201},
    "overwrite_plan": {"webdav": 204, "api": 201},
    "create_folder_in_plans": {"webdav": 201, "api": 201},
    "rename_plan": {"webdav": 201, "api": 200},
    "delete_plan": {"webdav": 204, "api": 204},
}
# A WebDAV write into a folder one cannot see: the parent is missing (RFC 4918, 9.7.1, 9.3.1).
DAV_HIDDEN_PARENT = {"upload_into_plans", "overwrite_plan", "create_folder_in_plans"}


def _expected_status(adapter: str, operation: str, expected: str) -> set[int]:
    if expected == OK:
        return {SUCCESS[operation][adapter]}
    if expected == FORBIDDEN:
        return {403}
    if adapter == "webdav" and operation in DAV_HIDDEN_PARENT:
        return {409}
    return {404}


@pytest.mark.parametrize(("adapter", "persona_name", "operation", "expected"), CASES)
def test_the_sharing_matrix_holds_over_webdav_and_the_api(
    request, drive, adapter, persona_name, operation, expected
):
    """Each persona gets, for each operation, the same outcome over WebDAV and the API, and a
    refused write changes nothing."""
    person = request.getfixturevalue(persona_name)
    client = ADAPTERS[adapter](person)

    outcome = OPERATIONS[operation](client, drive)

    assert outcome.status in _expected_status(adapter, operation, expected), (
        f"{adapter} {persona_name} {operation}: {outcome.status}"
    )
    if operation in WRITES:
        assert outcome.happened is (expected == OK)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_voirie_sees_only_the_way_down_to_what_is_shared(drive, agent_voirie, adapter):
    """At the root of Urbanisme's drive Voirie sees « Plans » and not « Budget »; inside
    « Plans », the plan and not « Confidentiel »."""
    client = ADAPTERS[adapter](agent_voirie)

    if isinstance(client, WebDav):
        at_root, in_plans = client.listing("/urbanisme/"), client.listing(drive.path("plans"))
    else:
        assert isinstance(client, Api)
        at_root = client.listing(drive.nodes["root"])
        in_plans = client.listing(drive.nodes["plans"])

    assert at_root == {"Plans"}
    assert in_plans == {"plan-masse.txt"}


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_member_of_urbanisme_sees_the_whole_drive_but_confidentiel(
    drive, agent_urbanisme, adapter
):
    client = ADAPTERS[adapter](agent_urbanisme)

    if isinstance(client, WebDav):
        at_root, in_plans = client.listing("/urbanisme/"), client.listing(drive.path("plans"))
    else:
        assert isinstance(client, Api)
        at_root = client.listing(drive.nodes["root"])
        in_plans = client.listing(drive.nodes["plans"])

    assert at_root == {"Plans", "Budget"}
    assert in_plans == {"plan-masse.txt"}


def test_the_spaces_root_lists_the_spaces_an_agent_reaches(drive, agent_voirie):
    """/dav/spaces/: Voirie's own drive (opened on the first visit) and Urbanisme's, where
    something is shared with them; not Finances'."""
    actions.do_open_department_space(Department.objects.create(code="FINANCES", name="Finances"))
    client = WebDav(agent_voirie)

    assert client.listing("/") == {"urbanisme", "voirie"}
    assert client.status("MKCOL", "/nouvel-espace/") in {403, 405, 409}
