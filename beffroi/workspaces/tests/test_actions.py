"""Workspaces through their actions: made from a blueprint with its drive, pages and board;
members of every kind; the last manager kept; archived read-only; deleted into the bin."""

from __future__ import annotations

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import policies as file_policies
from beffroi.files.models import Node, Space
from beffroi.notifications.models import Notification
from beffroi.tasks.models import Column
from beffroi.wiki.actions import do_create_page
from beffroi.wiki.models import Page
from beffroi.workspaces import access, policies
from beffroi.workspaces.actions import (
    AlreadyMember,
    LastManager,
    do_add_member,
    do_archive_workspace,
    do_ask_to_join,
    do_change_role,
    do_create_workspace,
    do_decide_join_request,
    do_remove_member,
    do_restore_workspace,
    do_trash_workspace,
    do_unarchive_workspace,
)
from beffroi.workspaces.models import Activity, JoinRequest, Membership, Role, Workspace

pytestmark = pytest.mark.django_db


def test_the_works_blueprint_starts_the_drive_the_wiki_and_the_board(chantier, agent_voirie):
    """« Projet de travaux » gives folders Plans/Devis/Comptes rendus, pages and four columns."""
    space = Space.objects.get(workspace=chantier)
    assert space.kind == Space.Kind.WORKSPACE
    assert space.slug == chantier.slug == "renovation-de-lecole-jules-ferry"
    folders = set(
        Node.objects.filter(space=space, parent__parent=None, parent__isnull=False).values_list(
            "name", flat=True
        )
    )
    assert folders == {"Plans", "Devis", "Comptes rendus"}
    titles = set(Page.objects.filter(workspace=chantier).values_list("title", flat=True))
    assert {"Accueil", "Planning des travaux", "Réunions de chantier"} <= titles
    columns = list(Column.objects.filter(board__workspace=chantier).values_list("name", flat=True))
    assert columns == ["À faire", "En cours", "En attente de validation", "Terminé"]
    assert Membership.objects.get(workspace=chantier, agent=agent_voirie).role == Role.MANAGER
    assert AuditEvent.objects.filter(
        action="workspaces.created", target_id=str(chantier.pk)
    ).exists()
    assert Activity.objects.filter(workspace=chantier, verb="workspace_created").exists()


def test_members_get_their_role_on_the_workspace_drive(
    chantier, agent_finances, invite_externe, elu
):
    """Finances (a department) contributes and writes; the guest reads; others see nothing."""
    root = Node.objects.get(space__workspace=chantier, parent=None)
    assert file_policies.abilities(agent_finances, root).write
    guest = file_policies.abilities(invite_externe, root)
    assert guest.read
    assert not guest.write
    assert not file_policies.abilities(elu, root).read
    assert policies.abilities(agent_finances, chantier).contribute
    assert not policies.abilities(invite_externe, chantier).contribute


def test_adding_a_department_tells_each_of_its_agents(chantier, agent_finances):
    """The Finances agent got an invitation notification naming the workspace."""
    notification = Notification.objects.get(agent=agent_finances, kind="invitation")
    assert "Rénovation de l'école Jules-Ferry" in notification.text
    assert notification.url == f"/espaces/{chantier.slug}/"


def test_a_member_cannot_be_added_twice(chantier, finances, agent_voirie):
    with pytest.raises(AlreadyMember):
        do_add_member(agent_voirie, chantier, finances, Role.READER)


def test_only_managers_add_members(chantier, agent_finances, elu):
    with pytest.raises(NotAllowed):
        do_add_member(agent_finances, chantier, elu, Role.READER)


def test_an_outsider_cannot_even_learn_a_private_workspace_exists(chantier, elu):
    with pytest.raises(NotFound):
        do_add_member(elu, chantier, elu, Role.MANAGER)
    with pytest.raises(NotFound):
        access.access_workspace(elu, chantier.slug)
    with pytest.raises(NotFound):
        access.access_workspace(elu, "nexiste-pas")


def test_the_last_named_manager_stays(chantier, agent_voirie):
    mine = Membership.objects.get(workspace=chantier, agent=agent_voirie)
    with pytest.raises(LastManager):
        do_change_role(agent_voirie, mine, Role.READER)
    with pytest.raises(LastManager):
        do_remove_member(agent_voirie, mine)
    assert Membership.objects.get(pk=mine.pk).role == Role.MANAGER


def test_an_archived_workspace_is_read_only_for_everyone(chantier, agent_voirie, agent_finances):
    do_archive_workspace(agent_voirie, chantier)
    root = Node.objects.get(space__workspace=chantier, parent=None)
    assert file_policies.abilities(agent_finances, root).read
    assert not file_policies.abilities(agent_finances, root).write
    assert not file_policies.abilities(agent_voirie, root).write
    with pytest.raises(NotAllowed):
        do_create_page(agent_voirie, chantier, "Après la fin")
    do_unarchive_workspace(agent_voirie, chantier)
    assert file_policies.abilities(agent_finances, root).write


def test_a_deleted_workspace_waits_in_the_bin_for_its_managers(
    chantier, agent_voirie, agent_finances
):
    do_trash_workspace(agent_voirie, chantier)
    assert access.access_my_workspaces(agent_finances) == []
    with pytest.raises(NotFound):
        access.access_workspace(agent_finances, chantier.slug)
    root = Node.objects.get(space__workspace=chantier, parent=None)
    assert not file_policies.abilities(agent_finances, root).read
    assert access.access_trashed_workspaces(agent_voirie) == [chantier]
    assert access.access_trashed_workspaces(agent_finances) == []
    do_restore_workspace(agent_voirie, chantier)
    assert [w.pk for w in access.access_my_workspaces(agent_finances)] == [chantier.pk]


def test_guests_do_not_create_workspaces_nor_browse_the_directory(invite_externe):
    with pytest.raises(NotAllowed):
        do_create_workspace(invite_externe, "Mon espace")
    with pytest.raises(access.GuestsHaveNoDirectory) as refused:
        access.access_directory(invite_externe)
    assert "réservé aux agents" in refused.value.message


def test_a_listed_workspace_takes_requests_to_join(agent_voirie, elu):
    festival = do_create_workspace(
        agent_voirie, "Festival d'été", visibility=Workspace.Visibility.LISTED
    )
    assert [w.pk for w in access.access_directory(elu)] == [festival.pk]
    assert not policies.abilities(elu, festival).read
    request = do_ask_to_join(elu, festival, "Je suis l'adjoint à la culture.")
    assert Notification.objects.filter(agent=agent_voirie, kind="join_request").exists()
    do_decide_join_request(agent_voirie, request, accept=True)
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequest.Status.ACCEPTED
    assert policies.abilities(elu, festival).contribute


def test_a_private_workspace_is_not_in_the_directory(chantier, elu):
    assert access.access_directory(elu) == []
    with pytest.raises(NotFound):
        do_ask_to_join(elu, chantier)


def test_bad_names_are_refused_with_a_message(agent_voirie):
    with pytest.raises(InvalidInput) as empty:
        do_create_workspace(agent_voirie, "   ")
    assert "nom" in str(empty.value.fields["name"][0])
    with pytest.raises(InvalidInput):
        do_create_workspace(agent_voirie, "x" * 151)
    with pytest.raises(InvalidInput):
        do_create_workspace(agent_voirie, "Ok", blueprint="inconnu")
    assert not Workspace.objects.exists()


def test_two_workspaces_of_the_same_name_get_distinct_drives(agent_voirie):
    first = do_create_workspace(agent_voirie, "Budget 2027")
    second = do_create_workspace(agent_voirie, "Budget 2027")
    assert first.slug != second.slug
    assert Space.objects.filter(workspace__in=[first, second]).count() == 2


def test_a_workspace_never_takes_a_department_drives_address(agent_voirie, voirie):
    from beffroi.files.actions.nodes import do_open_department_space

    do_open_department_space(voirie)
    workspace = do_create_workspace(agent_voirie, "Voirie")
    assert workspace.slug == "voirie-2"


def test_a_group_membership_reaches_its_members(agent_voirie):
    from beffroi.directory.models import AgentGroup

    crise = AgentGroup.objects.create(name="Cellule de crise")
    member = AgentFactory(username="pc.crise")
    crise.members.add(member)
    workspace = do_create_workspace(agent_voirie, "Inondations")
    do_add_member(agent_voirie, workspace, crise, Role.CONTRIBUTOR)
    assert policies.abilities(member, workspace).contribute


def test_the_workspace_calendar_follows_the_members_roles(
    chantier, agent_voirie, agent_finances, invite_externe, elu
):
    """Contributors write events (each one a line of the activity), readers read, outsiders
    see it not at all; an archived workspace's calendar is read-only."""
    from beffroi.calendars import access as calendar_access
    from beffroi.calendars.actions import do_put_event
    from beffroi.calendars.models import WorkspaceCalendar
    from beffroi.calendars.policies import abilities as calendar_abilities
    from beffroi.calendars.tests.samples import event_text

    calendar = WorkspaceCalendar.objects.get(workspace=chantier).calendar
    assert calendar_abilities(agent_finances, calendar).write_events
    assert calendar_abilities(invite_externe, calendar).read
    assert not calendar_abilities(invite_externe, calendar).write_events
    assert not calendar_abilities(elu, calendar).read
    assert calendar in [c for c, _ in calendar_access.access_visible_calendars(agent_finances)]
    do_put_event(agent_finances, calendar, "visite.ics", event_text("visite", "Visite de chantier"))
    line = Activity.objects.filter(workspace=chantier, verb="event_created").get()
    assert line.target == "Visite de chantier"
    assert line.actor == agent_finances
    do_archive_workspace(agent_voirie, chantier)
    assert not calendar_abilities(agent_finances, calendar).write_events
    assert calendar_abilities(agent_finances, calendar).read
