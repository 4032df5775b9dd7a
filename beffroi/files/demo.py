"""The drive's part of ``beffroi demo seed``: each department's drive gets realistic folders and
small files (minutes, budgets as CSV, plans, notes as flat OpenDocument text), and a few shares
tell the story of docs/files.md: Urbanisme shares its plans with Voirie, read only, but not
its confidential folder; Finances shares the budget with the elected officials.

Everything is written through actions, by the head of each department (who manages its drive).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from beffroi.directory.demo import DemoCommune
from beffroi.directory.models import Agent, Department, DepartmentMembership
from beffroi.files import actions
from beffroi.files.models import Node

# A flat OpenDocument text: LibreOffice opens it as a document, yet it is plain XML.
FLAT_ODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body><office:text>
  <text:h text:outline-level="1">{title}</text:h>
  <text:p>{body}</text:p>
 </office:text></office:body>
</office:document>
"""


def _minutes(department: Department, meeting: str) -> bytes:
    return (
        f"Compte rendu — {department.name}\n"
        f"Réunion de service du {meeting}\n\n"
        "Présents : l'équipe du service.\n"
        "1. Point sur les dossiers en cours.\n"
        "2. Planning des congés d'été.\n"
        "3. Questions diverses.\n"
    ).encode()


def _budget(department: Department, rng_values: list[int]) -> bytes:
    lines = ["poste;budget primitif 2026;réalisé au 30 novembre"]
    for label, amount in zip(
        ("Fournitures", "Formation", "Déplacements", "Prestations extérieures"),
        rng_values,
        strict=False,
    ):
        lines.append(f"{label};{amount};{amount * 7 // 10}")
    return ("\n".join(lines) + "\n").encode()


def _note(title: str, body: str) -> bytes:
    return FLAT_ODT.format(title=title, body=body).encode()


def _head(department: Department) -> Agent | None:
    membership = (
        DepartmentMembership.objects.filter(department=department, is_manager=True)
        .select_related("agent")
        .order_by("created_at")
        .first()
    )
    return membership.agent if membership is not None else None


def _folder(actor: Agent, parent: Node, name: str) -> Node:
    return actions.do_create_folder(actor, parent, name)


def _file(actor: Agent, parent: Node, name: str, content: bytes) -> Node:
    return actions.do_upload(actor, parent, name, [content])


def _fill(commune: DemoCommune, department: Department, head: Agent) -> dict[str, Node]:
    space = actions.do_open_department_space(department)
    root = Node.objects.select_related("space").get(space=space, parent=None)
    minutes = _folder(head, root, "Comptes rendus")
    for meeting in ("6 janvier 2026", "3 mars 2026", "2 juin 2026"):
        _file(head, minutes, f"CR réunion de service {meeting}.txt", _minutes(department, meeting))
    budget = _folder(head, root, "Budget 2026")
    amounts = [commune.random.randrange(500, 40_000, 100) for _ in range(4)]
    _file(head, budget, "Budget primitif 2026.csv", _budget(department, amounts))
    models = _folder(head, root, "Modèles")
    _file(
        head,
        models,
        "Note de service.fodt",
        _note(f"Note de service — {department.name}", "Objet : …"),
    )
    return {"root": root, "budget": budget}


def seed_files(commune: DemoCommune) -> None:
    """Drives for every department, then the shares of the story."""
    filled: dict[str, dict[str, Node]] = {}
    for code, department in commune.departments.items():
        head = _head(department)
        if head is not None:
            filled[code] = _fill(commune, department, head)
    urbanisme = commune.departments.get("URBANISME")
    voirie = commune.departments.get("VOIRIE")
    if urbanisme is not None and voirie is not None and "URBANISME" in filled:
        head = _head(urbanisme)
        assert head is not None
        plans = _folder(head, filled["URBANISME"]["root"], "Plans")
        _file(head, plans, "Plan masse lotissement des Tilleuls.txt", b"Plan masse, 1/500\n")
        _file(head, plans, "Alignements rue de la Gare.csv", b"parcelle;alignement\nAB 12;2,5 m\n")
        secret = _folder(head, plans, "Confidentiel")
        _file(
            head,
            secret,
            "Négociation foncière parcelle AB 112.fodt",
            _note("Négociation foncière", "Ne pas diffuser."),
        )
        actions.do_share(head, plans, voirie, "reader")
        actions.do_set_inheritance(head, secret, inherits=False)
    finances = commune.departments.get("FINANCES")
    elected = commune.groups.get("Élus")
    if finances is not None and elected is not None and "FINANCES" in filled:
        head = _head(finances)
        assert head is not None
        actions.do_share(head, filled["FINANCES"]["budget"], elected, "reader")
    commune.say(
        _("Espaces de fichiers des services remplis (%(count)s services), partages créés.")
        % {"count": len(filled)}
    )
