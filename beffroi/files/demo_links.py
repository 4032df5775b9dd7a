"""Demo data of public links: the urbanism department's deposit box, where citizens send the
documents of their building-permit files (« beffroi demo seed »)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.directory.demo import DemoCommune
from beffroi.directory.models import DepartmentMembership
from beffroi.files import access, actions
from beffroi.files.models import Node, PublicLink

DEPOSIT_FOLDER = "Dépôts des administrés"


def seed_public_links(commune: DemoCommune) -> None:
    """A deposit link, valid three months, on the urbanism drive's deposit folder."""
    department = commune.departments.get("URBANISME")
    if department is None:
        return
    head = (
        DepartmentMembership.objects.filter(department=department, is_manager=True)
        .select_related("agent")
        .first()
    )
    if head is None:
        return
    space = actions.do_open_department_space(department)
    root = access.access_root(head.agent, space)
    folder = Node.objects.filter(parent=root, name=DEPOSIT_FOLDER, trashed_at=None).first()
    if folder is None:
        folder = actions.do_create_folder(head.agent, root, DEPOSIT_FOLDER)
    link = actions.do_create_link(
        head.agent,
        folder,
        kind=PublicLink.Kind.DEPOSIT,
        label=_("Urbanisme : pièces d'une demande de permis de construire"),
        expires_at=timezone.now() + timedelta(days=90),
    )
    commune.say(
        _("Lien de dépôt de l'urbanisme : /p/%(token)s/ (créé par %(agent)s)")
        % {"token": link.token, "agent": head.agent.username}
    )
