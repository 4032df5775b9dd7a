"""Sharing: who may share, what a share reaches, why someone may see a node, shared-with-me."""

from __future__ import annotations

import pytest

from beffroi.audit.labels import ACTIONS
from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.models import AgentGroup, Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import access, actions, policies
from beffroi.files.models import Node, Share


@pytest.fixture
def urbanisme(db) -> Department:
    return Department.objects.create(code="URBANISME", name="Urbanisme")


@pytest.fixture
def chef(urbanisme):
    agent = AgentFactory(username="chef.urbanisme")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme, is_manager=True)
    return agent


@pytest.fixture
def paul(urbanisme):
    agent = AgentFactory(username="paul.girard", first_name="Paul", last_name="Girard")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme)
    return agent


@pytest.fixture
def tree(urbanisme, chef):
    space = actions.do_open_department_space(urbanisme)
    root = Node.objects.select_related("space").get(space=space, parent=None)
    plans = actions.do_create_folder(chef, root, "Plans")
    secret = actions.do_create_folder(chef, plans, "Confidentiel")
    note = actions.do_upload(chef, secret, "note.txt", [b"note"])
    return {"root": root, "plans": plans, "secret": secret, "note": note}


def test_a_department_drive_is_reachable_at_its_code(tree, urbanisme):
    """/dav/spaces/urbanisme/: the slug of a department's drive is its code."""
    assert tree["root"].space.slug == "urbanisme"


def test_roles_from_the_space(tree, chef, paul, agent_voirie):
    """The head manages, a member edits, anyone else sees nothing."""
    plans = tree["plans"]

    assert policies.abilities(chef, plans) == policies.for_role("manager")
    assert policies.abilities(paul, plans) == policies.for_role("editor")
    assert policies.abilities(agent_voirie, plans) == policies.NONE


def test_the_head_of_a_parent_department_manages_the_drive_below(voirie, chef_services_techniques):
    """As in the directory: the head of Services techniques administers Voirie."""
    space = actions.do_open_department_space(voirie)
    root = Node.objects.select_related("space").get(space=space, parent=None)

    assert policies.abilities(chef_services_techniques, root).share


def test_only_a_manager_shares(tree, paul, agent_voirie, voirie):
    """An editor may not share (403); someone who sees nothing gets 404."""
    with pytest.raises(NotAllowed):
        actions.do_share(paul, tree["plans"], voirie, "reader")
    with pytest.raises(NotFound):
        actions.do_share(agent_voirie, tree["plans"], voirie, "editor")

    assert not Share.objects.exists()


def test_a_share_to_a_department_reaches_the_departments_below(
    tree, chef, services_techniques, agent_voirie
):
    """Shared with Services techniques, read by an agent of Voirie (a department below it)."""
    actions.do_share(chef, tree["plans"], services_techniques, "reader")

    assert policies.abilities(agent_voirie, tree["plans"]) == policies.for_role("reader")


def test_a_share_to_a_group_reaches_its_members(tree, chef, elu):
    group = AgentGroup.objects.create(name="Élus")
    group.members.add(elu)

    actions.do_share(chef, tree["plans"], group, "editor")

    assert policies.abilities(elu, tree["plans"]).write


def test_the_strongest_role_wins_and_inheritance_stops(tree, chef, paul, voirie, agent_voirie):
    """Reader through the department, editor by name: editor; below a folder that stops
    inheritance, neither, nor the department members' own role, but the head keeps it."""
    actions.do_share(chef, tree["plans"], voirie, "reader")
    actions.do_share(chef, tree["plans"], agent_voirie, "editor")
    assert policies.abilities(agent_voirie, tree["note"]).role == "editor"

    actions.do_set_inheritance(chef, tree["secret"], inherits=False)

    for node in (tree["secret"], tree["note"]):
        assert policies.abilities(agent_voirie, node) == policies.NONE
        assert policies.abilities(paul, node) == policies.NONE
        assert policies.abilities(chef, node).share
    assert policies.abilities(agent_voirie, tree["plans"]).role == "editor"


def test_a_share_below_a_stop_still_applies(tree, chef, agent_voirie):
    actions.do_set_inheritance(chef, tree["secret"], inherits=False)
    actions.do_share(chef, tree["secret"], agent_voirie, "reader")

    assert policies.abilities(agent_voirie, tree["note"]).read


def test_the_way_down_to_a_share_is_traversed_not_read(tree, chef, agent_voirie):
    """Shared on the file only: the folders above it show, holding nothing else."""
    actions.do_upload(chef, tree["plans"], "autre.txt", [b"x"])
    actions.do_share(chef, tree["note"], agent_voirie, "reader")

    assert policies.abilities(agent_voirie, tree["root"]) == policies.TRAVERSE
    children = access.access_children(agent_voirie, tree["plans"])
    assert [child.name for child in children] == ["Confidentiel"]
    with pytest.raises(NotAllowed):
        actions.do_upload(agent_voirie, tree["plans"], "intrus.txt", [b"x"])


def test_every_sharing_change_is_audited_with_a_french_label(tree, chef, voirie):
    share = actions.do_share(chef, tree["plans"], voirie, "reader", address="192.0.2.1")
    actions.do_change_share_role(chef, share, "editor")
    actions.do_set_inheritance(chef, tree["secret"], inherits=False)
    actions.do_set_inheritance(chef, tree["secret"], inherits=True)
    actions.do_unshare(chef, share)

    codes = list(
        AuditEvent.objects.filter(action__startswith="files.")
        .exclude(action__startswith="files.node")
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert codes == [
        "files.share.created",
        "files.share.role_changed",
        "files.inheritance.stopped",
        "files.inheritance.resumed",
        "files.share.deleted",
    ]
    assert all(code in ACTIONS for code in codes)
    assert not Share.objects.exists()


def test_a_manager_cannot_take_away_their_own_right_to_share(tree, chef, agent_voirie):
    """A manager by share who demotes themselves would be locked out: refused, unchanged."""
    share = actions.do_share(chef, tree["plans"], agent_voirie, "manager")

    with pytest.raises(InvalidInput):
        actions.do_change_share_role(agent_voirie, share, "reader")

    share.refresh_from_db()
    assert share.role == "manager"


def test_why_can_paul_see_this(tree, chef, paul, voirie, agent_voirie):
    """The explanation names each reason, inherited ones, and those a stop cuts off."""
    actions.do_share(chef, tree["plans"], voirie, "reader")
    actions.do_set_inheritance(chef, tree["secret"], inherits=False)

    on_plans = access.access_explanation(chef, tree["plans"], agent_voirie)
    on_note = access.access_explanation(chef, tree["note"], paul)

    [share_reason] = on_plans.reasons
    assert share_reason.code == "share"
    assert share_reason.applies
    assert "Membre du service « Voirie »" in share_reason.message
    assert "« /Plans »" in share_reason.message
    [member] = on_note.reasons
    assert member.code == "department_member"
    assert not member.applies
    assert "« /Plans/Confidentiel » n'hérite pas des droits" in member.message
    assert not on_note.abilities.read


def test_only_a_manager_asks_about_someone_else(tree, paul, chef):
    with pytest.raises(NotFound):
        access.access_explanation(paul, tree["plans"], chef)
    assert access.access_explanation(paul, tree["plans"]).abilities.write


def test_shared_with_me_lists_each_node_once(tree, chef, voirie, agent_voirie):
    actions.do_share(chef, tree["plans"], voirie, "reader")
    actions.do_share(chef, tree["plans"], agent_voirie, "editor")

    items = access.access_shared_with_me(agent_voirie)

    assert [(item.path, item.role) for item in items] == [("/Plans", "editor")]
    assert [space.slug for space in access.access_reachable_spaces(agent_voirie)] == ["urbanisme"]


def test_a_trashed_share_target_is_no_longer_reachable(tree, chef, agent_voirie):
    actions.do_share(chef, tree["secret"], agent_voirie, "reader")
    actions.do_trash(chef, tree["plans"])

    assert access.access_shared_with_me(agent_voirie) == []
    assert access.access_reachable_spaces(agent_voirie) == []


def test_a_folder_listing_costs_the_same_for_ten_or_a_hundred_children(
    tree, chef, voirie, agent_voirie, django_assert_max_num_queries
):
    """The folder's role is computed once and applied to its children (PROPFIND Depth 1)."""
    actions.do_share(chef, tree["plans"], voirie, "reader")
    for number in range(100):
        actions.do_create_folder(chef, tree["plans"], f"Dossier {number:03}")
    actions.do_share(chef, Node.objects.get(name="Dossier 007"), agent_voirie, "editor")

    with django_assert_max_num_queries(10):
        children = access.access_children(agent_voirie, tree["plans"])
        granted = [policies.abilities(agent_voirie, child) for child in children]

    assert len(children) == 101  # and « Confidentiel »
    assert sum(1 for g in granted if g.write) == 1
