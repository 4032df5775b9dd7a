"""Ville-Exemple's workspaces (``beffroi demo seed``): the school renovation, the budget, the
summer festival, the crisis cell and the intranet, with their members, pages, tasks and files."""

from __future__ import annotations

import datetime

from django.utils import timezone

from beffroi.directory.demo import DemoCommune
from beffroi.directory.models import Agent, Department, DepartmentMembership
from beffroi.files.actions.nodes import do_upload
from beffroi.files.models import Node
from beffroi.tasks.actions import do_create_card
from beffroi.tasks.models import Column
from beffroi.wiki.actions import do_create_page
from beffroi.workspaces.actions import do_add_member, do_create_workspace
from beffroi.workspaces.models import Role, Workspace

MINUTES = """**Date :** {date}

**Présents :** {people}

## Ordre du jour

1. Avancement des travaux de toiture
2. Devis des menuiseries
3. Sécurité du chantier pendant les vacances scolaires

## Décisions

- Les travaux de toiture commencent le 5 janvier, la cour reste fermée.
- Le devis des menuiseries est à comparer avec [[Planning des travaux]].

## Actions

- [ ] @{finance} : vérifier l'inscription budgétaire du lot menuiseries
- [x] Prévenir l'école du calendrier
"""


def _head(department: Department) -> Agent:
    membership = (
        DepartmentMembership.objects.filter(department=department, is_manager=True)
        .select_related("agent")
        .order_by("created_at")
        .first()
    )
    if membership is None:
        membership = (
            DepartmentMembership.objects.filter(department=department)
            .select_related("agent")
            .order_by("created_at")
            .first()
        )
    assert membership is not None, department.code
    return membership.agent


def _folder(workspace: Workspace, name: str) -> Node:
    return Node.objects.get(space__workspace=workspace, parent__parent=None, name=name)


def _column(workspace: Workspace, name: str) -> Column:
    return Column.objects.get(board__workspace=workspace, name=name)


def _school(commune: DemoCommune) -> Workspace:
    departments = commune.departments
    lead = _head(departments["BATIMENTS"])
    finance = _head(departments["FINANCES"])
    workspace = do_create_workspace(
        lead,
        "Rénovation de l'école Jules-Ferry",
        description="Isolation, toiture et menuiseries de l'école, été 2027.",
        blueprint="projet-travaux",
    )
    do_add_member(lead, workspace, departments["TECHNIQUES"], Role.CONTRIBUTOR)
    do_add_member(lead, workspace, departments["FINANCES"], Role.CONTRIBUTOR)
    do_add_member(lead, workspace, departments["EDUCATION"], Role.READER)
    architect = Agent.objects.filter(username="archi.lambert").first()
    if architect is not None:
        do_add_member(lead, workspace, architect, Role.READER)
    reunions = workspace.pages.get(title="Réunions de chantier")
    do_create_page(
        lead,
        workspace,
        "Réunion de chantier du 3 décembre",
        MINUTES.format(
            date="3 décembre",
            people=f"{lead.display_name}, {finance.display_name}",
            finance=finance.username,
        ),
        parent=reunions,
    )
    do_upload(
        lead,
        _folder(workspace, "Plans"),
        "plan-rez-de-chaussee.txt",
        [b"Plan du rez-de-chaussee : salles 1 a 6, preau, cantine.\n"],
    )
    do_upload(
        lead,
        _folder(workspace, "Devis"),
        "devis-toiture-moreau.txt",
        [b"Devis toiture Moreau BTP : 42 000 EUR HT, delai 6 semaines.\n"],
    )
    today = timezone.localdate()
    do_create_card(
        lead,
        _column(workspace, "À faire"),
        "Vérifier le devis des menuiseries",
        due_date=today + datetime.timedelta(days=7),
        labels=["budget"],
        assignees=[finance],
    )
    do_create_card(
        lead, _column(workspace, "En cours"), "Consultation des entreprises", assignees=[lead]
    )
    do_create_card(lead, _column(workspace, "Terminé"), "Diagnostic amiante")
    return workspace


def _budget(commune: DemoCommune) -> Workspace:
    lead = _head(commune.departments["FINANCES"])
    workspace = do_create_workspace(
        lead, "Budget primitif 2027", description="Préparation du budget voté en mars."
    )
    do_add_member(lead, workspace, commune.departments["DGS"], Role.READER)
    if "Élus" in commune.groups:
        do_add_member(lead, workspace, commune.groups["Élus"], Role.READER)
    do_create_page(
        lead,
        workspace,
        "Orientations budgétaires",
        "## Fonctionnement\n\nStabilité des dépenses de personnel.\n\n## Investissement\n\n"
        "| Opération | Montant |\n| --- | --- |\n| Rénovation de l'école | 850 000 € |\n"
        "| Voirie | 320 000 € |\n",
    )
    do_create_card(
        lead,
        _column(workspace, "À faire"),
        "Collecter les demandes des services",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    return workspace


def _festival(commune: DemoCommune) -> Workspace:
    lead = _head(commune.departments["CABINET"])
    workspace = do_create_workspace(
        lead,
        "Festival d'été",
        description="Concerts et marché nocturne sur la place du Beffroi, juillet 2027.",
        visibility=Workspace.Visibility.LISTED,
        blueprint="evenement",
    )
    for code in ("ESPACES-VERTS", "POLICE"):
        do_add_member(lead, workspace, commune.departments[code], Role.CONTRIBUTOR)
    do_create_card(
        lead, _column(workspace, "À faire"), "Arrêté de circulation", labels=["sécurité"]
    )
    return workspace


def _crisis(commune: DemoCommune) -> Workspace:
    lead = _head(commune.departments["DGS"])
    workspace = do_create_workspace(
        lead,
        "Cellule de crise",
        description="Plan communal de sauvegarde.",
        blueprint="cellule-crise",
    )
    if "Cellule de crise" in commune.groups:
        do_add_member(lead, workspace, commune.groups["Cellule de crise"], Role.CONTRIBUTOR)
    return workspace


def _intranet(commune: DemoCommune) -> Workspace:
    admin = commune.administrator
    workspace = do_create_workspace(
        admin,
        "Intranet",
        description="Les informations utiles à tous les agents de Ville-Exemple.",
        visibility=Workspace.Visibility.LISTED,
    )
    for code in ("DGS", "CABINET"):
        do_add_member(admin, workspace, commune.departments[code], Role.READER)
    do_create_page(
        admin,
        workspace,
        "Procédures RH",
        "## Congés\n\nLes demandes se font au moins quinze jours à l'avance.\n\n"
        "## Formation\n\nLe plan de formation est voté en conseil chaque automne.\n",
    )
    do_create_page(
        admin,
        workspace,
        "Numéros utiles",
        "| Service | Poste |\n| --- | --- |\n| Accueil | 100 |\n| Informatique | 150 |\n",
    )
    return workspace


def seed_workspaces(commune: DemoCommune) -> None:
    made = [
        _school(commune),
        _budget(commune),
        _festival(commune),
        _crisis(commune),
        _intranet(commune),
    ]
    commune.say(f"Espaces de travail : {len(made)} créés ({', '.join(w.name for w in made)}).")
