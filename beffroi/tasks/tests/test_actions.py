"""Task boards through their actions: cards with members as assignees only, moves, comments
with mentions, checklists, « Mes tâches » and due-date reminders."""

from __future__ import annotations

import datetime

import pytest

from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.notifications.models import Notification
from beffroi.tasks import access
from beffroi.tasks.actions import (
    do_add_checklist_item,
    do_check_item,
    do_comment,
    do_create_card,
    do_move_card,
    do_send_due_reminders,
    do_trash_card,
    do_update_card,
)
from beffroi.tasks.models import Card, Column
from beffroi.workspaces.actions import do_trash_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def todo(chantier) -> Column:
    return Column.objects.get(board__workspace=chantier, name="À faire")


def test_a_card_assigned_to_a_member_tells_them(todo, agent_voirie, agent_finances):
    card = do_create_card(
        agent_voirie,
        todo,
        "Vérifier le devis de toiture",
        due_date=datetime.date(2027, 1, 15),
        labels=["budget", "urgent", "budget"],
        assignees=[agent_finances],
    )
    assert card.labels == ["budget", "urgent"]
    notification = Notification.objects.get(agent=agent_finances, kind="assignment")
    assert "Vérifier le devis de toiture" in notification.text
    assert notification.url.endswith(f"/taches/{card.pk}/")
    assert access.access_my_tasks(agent_finances) == [card]


def test_a_card_cannot_be_assigned_outside_the_workspace(todo, agent_voirie, elu):
    with pytest.raises(InvalidInput) as refused:
        do_create_card(agent_voirie, todo, "Tâche", assignees=[elu])
    assert "ne fait pas partie de cet espace" in refused.value.fields["assignees"][0]
    assert not Card.objects.exists()


def test_moving_a_card_orders_its_new_column(chantier, todo, agent_voirie):
    doing = Column.objects.get(board__workspace=chantier, name="En cours")
    first = do_create_card(agent_voirie, doing, "Première")
    moved = do_create_card(agent_voirie, todo, "Déplacée")
    do_move_card(agent_voirie, moved, doing, position=0)
    assert [c.title for c in Card.objects.filter(column=doing).order_by("position")] == [
        "Déplacée",
        "Première",
    ]
    assert first.pk != moved.pk


def test_comments_mention_members(todo, agent_voirie, agent_finances):
    card = do_create_card(agent_voirie, todo, "Commande des fenêtres")
    do_comment(agent_voirie, card, "@agent.finances le bon de commande est prêt")
    assert Notification.objects.filter(agent=agent_finances, kind="mention").count() == 1
    with pytest.raises(InvalidInput):
        do_comment(agent_voirie, card, "   ")


def test_checklists_tick(todo, agent_voirie):
    card = do_create_card(agent_voirie, todo, "Réception")
    item = do_add_checklist_item(agent_voirie, card, "Levée des réserves")
    do_check_item(agent_voirie, item, True)
    assert list(card.checklist.values_list("done", flat=True)) == [True]


def test_readers_and_outsiders_change_nothing(chantier, todo, agent_voirie, invite_externe, elu):
    card = do_create_card(agent_voirie, todo, "Tâche")
    with pytest.raises(NotAllowed):
        do_create_card(invite_externe, todo, "Non")
    with pytest.raises(NotFound):
        do_trash_card(elu, card)
    with pytest.raises(NotFound):
        access.access_card(elu, chantier, card.pk)
    assert access.access_card(invite_externe, chantier, card.pk) == card


def test_reassigning_tells_only_the_newcomer(
    todo, agent_voirie, agent_finances, chef_services_techniques
):
    card = do_create_card(agent_voirie, todo, "Plan", assignees=[agent_finances])
    do_update_card(
        agent_voirie,
        card,
        title="Plan",
        description="",
        due_date=None,
        labels=[],
        assignees=[agent_finances, agent_voirie],
    )
    assert Notification.objects.filter(agent=agent_finances, kind="assignment").count() == 1


def test_due_reminders_go_once_per_due_date(todo, agent_voirie, agent_finances):
    today = datetime.date(2027, 3, 1)
    card = do_create_card(
        agent_voirie,
        todo,
        "Dépôt du permis",
        due_date=today + datetime.timedelta(days=1),
        assignees=[agent_finances],
    )
    do_create_card(
        agent_voirie,
        todo,
        "Plus tard",
        due_date=today + datetime.timedelta(days=9),
        assignees=[agent_finances],
    )
    assert do_send_due_reminders(today) == 1
    assert do_send_due_reminders(today) == 0
    texts = list(Notification.objects.filter(agent=agent_finances).values_list("text", flat=True))
    assert any("arrive à échéance le 02/03/2027" in t for t in texts)
    assert Card.objects.get(pk=card.pk).reminded_on == card.due_date


def test_tasks_of_a_deleted_workspace_leave_my_tasks(chantier, todo, agent_voirie, agent_finances):
    do_create_card(agent_voirie, todo, "Tâche", assignees=[agent_finances])
    do_trash_workspace(agent_voirie, chantier)
    assert access.access_my_tasks(agent_finances) == []
