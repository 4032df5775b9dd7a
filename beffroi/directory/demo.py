"""The demo commune, « Ville-Exemple »: its organisation chart and its people, then the demo data
of every capability that registered a seeder.

An app adds its own demo data (files, events, workspaces) by calling ``register_demo_seeder`` in
its ``AppConfig.ready``; seeders run in registration order, after the directory, in the same
transaction, and receive a ``DemoCommune`` describing who and what exists. Everything is written
through actions; the people are one import plan. The same seed gives the same commune.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beffroi.core.errors import BeffroiError
from beffroi.directory.actions import (
    do_change_password,
    do_create_department,
    do_import_directory,
    do_update_organisation,
)
from beffroi.directory.importing import SourceRow, SourceRows, plan_import
from beffroi.directory.importing.rows import FIELDS
from beffroi.directory.models import Agent, AgentGroup, Department, Organisation

SEED = 2026
DOMAIN = "ville-exemple.fr"


@dataclass(frozen=True)
class DemoCommune:
    """What a capability's seeder may build on."""

    administrator: Agent
    agents: Mapping[str, Agent]
    departments: Mapping[str, Department]
    groups: Mapping[str, AgentGroup]
    random: random.Random
    say: Callable[[str], None]


DemoSeeder = Callable[[DemoCommune], None]
_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, seeder: DemoSeeder) -> None:
    """Add a capability's demo data to ``beffroi demo seed`` (registering again replaces)."""
    _seeders[name] = seeder


def registered_demo_seeders() -> list[str]:
    return list(_seeders)


class DemoRefused(BeffroiError):
    code = "demo_refusee"
    http_status = 409


# code, name, parent code
DEPARTMENTS = [
    ("DGS", "Direction générale des services", None),
    ("CABINET", "Cabinet du maire", None),
    ("TECHNIQUES", "Services techniques", "DGS"),
    ("VOIRIE", "Voirie", "TECHNIQUES"),
    ("BATIMENTS", "Bâtiments", "TECHNIQUES"),
    ("ESPACES-VERTS", "Espaces verts", "TECHNIQUES"),
    ("FINANCES", "Finances", "DGS"),
    ("RH", "Ressources humaines", "DGS"),
    ("URBANISME", "Urbanisme", "DGS"),
    ("ETAT-CIVIL", "État civil", "DGS"),
    ("EDUCATION", "Éducation", "DGS"),
    ("POLICE", "Police municipale", "DGS"),
]

# Per department: how many agents, the manager's title, the others' titles (« masculin|féminin »
# where French says it differently).
STAFF = {
    "DGS": (4, "Directeur général des services|Directrice générale des services",
            ["Assistant de direction|Assistante de direction", "Juriste",
             "Chargé de mission|Chargée de mission"]),
    "CABINET": (5, "Directeur de cabinet|Directrice de cabinet",
                ["Chargé de communication|Chargée de communication", "Secrétaire du maire",
                 "Chargé du protocole|Chargée du protocole"]),
    "TECHNIQUES": (4, "Directeur des services techniques|Directrice des services techniques",
                   ["Technicien territorial|Technicienne territoriale", "Dessinateur|Dessinatrice",
                    "Assistant technique|Assistante technique"]),
    "VOIRIE": (16, "Chef d'équipe voirie|Cheffe d'équipe voirie",
               ["Agent de voirie", "Agent de voirie", "Conducteur d'engins|Conductrice d'engins"]),
    "BATIMENTS": (12, "Responsable des bâtiments",
                  ["Électricien|Électricienne", "Plombier|Plombière", "Menuisier|Menuisière",
                   "Peintre", "Agent de maintenance"]),
    "ESPACES-VERTS": (10, "Responsable des espaces verts",
                      ["Jardinier|Jardinière", "Jardinier|Jardinière", "Agent d'entretien"]),
    "FINANCES": (7, "Responsable des finances",
                 ["Gestionnaire comptable", "Chargé du budget|Chargée du budget",
                  "Gestionnaire des marchés publics"]),
    "RH": (6, "Responsable des ressources humaines",
           ["Gestionnaire de paie", "Gestionnaire des carrières",
            "Chargé de formation|Chargée de formation"]),
    "URBANISME": (6, "Responsable de l'urbanisme",
                  ["Instructeur du droit des sols|Instructrice du droit des sols",
                   "Chargé du foncier|Chargée du foncier", "Agent d'accueil urbanisme"]),
    "ETAT-CIVIL": (8, "Responsable de l'état civil",
                   ["Officier d'état civil délégué|Officière d'état civil déléguée",
                    "Agent d'accueil", "Agent des affaires générales"]),
    "EDUCATION": (25, "Responsable de l'éducation",
                  ["ATSEM", "Animateur périscolaire|Animatrice périscolaire",
                   "Agent de restauration scolaire", "Agent d'entretien des écoles"]),
    "POLICE": (8, "Chef de la police municipale|Cheffe de la police municipale",
               ["Policier municipal|Policière municipale",
                "Agent de surveillance de la voie publique"]),
}  # fmt: skip
ELECTED_TITLES = [
    "Maire",
    "Premier adjoint aux finances|Première adjointe aux finances",
    "Adjoint aux travaux|Adjointe aux travaux",
    "Adjoint à l'éducation|Adjointe à l'éducation",
    "Adjoint à l'urbanisme|Adjointe à l'urbanisme",
    "Conseiller municipal|Conseillère municipale",
    "Conseiller municipal|Conseillère municipale",
    "Conseiller municipal|Conseillère municipale",
    "Conseiller municipal délégué à la sécurité|Conseillère municipale déléguée à la sécurité",
]
# The people a newcomer signs in as: fixed names, so the documentation can name them.
KNOWN = {
    ("elected", 0): ("Claire", "Dubois", "f"),
    ("elected", 2): ("Jean", "Leroy", "m"),
    ("DGS", 0): ("Nathalie", "Girard", "f"),
    ("TECHNIQUES", 0): ("Michel", "Garnier", "m"),
    ("VOIRIE", 0): ("Marc", "Henry", "m"),
    ("VOIRIE", 1): ("Karim", "Benali", "m"),
    ("FINANCES", 1): ("Sophie", "Martin", "f"),
}
FIRST_NAMES = {
    "f": ["Amélie", "Anne", "Aurélie", "Camille", "Caroline", "Catherine", "Céline", "Chloé",
          "Christine", "Élodie", "Émilie", "Florence", "Hélène", "Isabelle", "Julie", "Laetitia",
          "Laure", "Léa", "Manon", "Marie", "Martine", "Mathilde", "Nadia", "Noémie", "Océane",
          "Pauline", "Sandrine", "Sarah", "Sylvie", "Valérie", "Virginie", "Yasmina", "Zoé"],
    "m": ["Alain", "Alexandre", "Antoine", "Arnaud", "Bernard", "Bruno", "Cédric", "Christophe",
          "Damien", "David", "Éric", "Fabrice", "François", "Frédéric", "Guillaume", "Hugo",
          "Jérôme", "Julien", "Laurent", "Lucas", "Mehdi", "Nicolas", "Olivier", "Pascal",
          "Patrick", "Philippe", "Pierre", "Romain", "Sébastien", "Stéphane", "Thierry", "Yann"],
}  # fmt: skip
LAST_NAMES = [
    "André", "Arnaud", "Aubert", "Barbier", "Bernard", "Bertrand", "Blanc", "Bonnet", "Boyer",
    "Brun", "Chevalier", "Clément", "Colin", "Da Silva", "David", "Denis", "Dufour", "Dumas",
    "Dupuis", "Durand", "Fabre", "Faure", "Fontaine", "Fournier", "François", "Gauthier",
    "Gérard", "Girard", "Guérin", "Haddad", "Lambert", "Laurent", "Lefebvre", "Lefèvre",
    "Legrand", "Lemaire", "Lopez", "Marchand", "Martinez", "Masson", "Mathieu", "Mercier",
    "Meunier", "Michel", "Morel", "Moulin", "Muller", "Nicolas", "N'Diaye", "Perrin", "Petit",
    "Picard", "Renard", "Richard", "Robert", "Robin", "Roche", "Rousseau", "Roussel", "Roux",
    "Schmitt", "Simon", "Thomas", "Vincent", "Vidal",
]  # fmt: skip
GUESTS = [
    SourceRow(
        where="invité 1",
        username="archi.lambert",
        first_name="Hélène",
        last_name="Lambert",
        email="h.lambert@lambert-architectes.example",
        job_title="Architecte, Lambert & associés",
        kind="guest",
    ),
    SourceRow(
        where="invité 2",
        username="btp.moreau",
        first_name="Paul",
        last_name="Moreau",
        email="paul.moreau@moreau-btp.example",
        job_title="Conducteur de travaux, Moreau BTP",
        kind="guest",
    ),
]
# Who signs in with the demo password, and who they are.
SIGN_IN_AS = [
    ("claire.dubois", "la maire (élue, groupes « Élus » et « Cellule de crise »)"),
    ("nathalie.girard", "la directrice générale des services"),
    ("michel.garnier", "le directeur des services techniques (responsable de service)"),
    ("karim.benali", "un agent de voirie"),
    ("jean.leroy", "un adjoint au maire"),
    ("archi.lambert", "une architecte invitée"),
]


def _username(first: str, last: str, taken: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    base = "".join(c for c in plain if c.isalnum() or c == ".")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate


def _title(choices: str, gender: str) -> str:
    masculine, _sep, feminine = choices.partition("|")
    return feminine if gender == "f" and feminine else masculine


class _People:
    """Deterministic names: the fixed ones first, then a seeded draw without repeats."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.used_names: set[tuple[str, str]] = {(f, last) for f, last, _g in KNOWN.values()}

    def person(self, key: tuple[str, int]) -> tuple[str, str, str, str]:
        if key in KNOWN:
            first, last, gender = KNOWN[key]
        else:
            while True:
                gender = self.rng.choice("fm")
                first = self.rng.choice(FIRST_NAMES[gender])
                last = self.rng.choice(LAST_NAMES)
                if (first, last) not in self.used_names:
                    break
            self.used_names.add((first, last))
        return first, last, gender, _username(first, last, self.taken)


def demo_rows(rng: random.Random) -> list[SourceRow]:
    """The 120 people of Ville-Exemple (111 agents, the mayor and 8 other elected
    officials) and two guests, as import rows."""
    people = _People(rng)
    rows: list[SourceRow] = []
    heads: dict[str, str] = {}
    elected: list[str] = []
    for number, elected_title in enumerate(ELECTED_TITLES):
        first, last, gender, username = people.person(("elected", number))
        elected.append(username)
        rows.append(
            SourceRow(
                where=f"élu {number + 1}",
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{DOMAIN}",
                job_title=_title(elected_title, gender),
                department="CABINET" if number == 0 else "",
                kind="elected",
                groups=("Élus", "Cellule de crise") if number in (0, 8) else ("Élus",),
            )
        )
    parents = {code: parent for code, _name, parent in DEPARTMENTS}
    crisis_heads = {"DGS", "TECHNIQUES", "VOIRIE", "POLICE", "CABINET"}
    for code, (size, head_title, titles) in STAFF.items():
        for number in range(size):
            first, last, gender, username = people.person((code, number))
            if number == 0:
                heads[code] = username
                parent = parents[code]
                manager = heads[parent] if parent else elected[0]
                title = head_title
            else:
                manager = heads[code]
                title = titles[(number - 1) % len(titles)]
            rows.append(
                SourceRow(
                    where=f"{code} {number + 1}",
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{DOMAIN}",
                    job_title=_title(title, gender),
                    phone=f"01 84 60 {rng.randrange(10, 100)} {rng.randrange(100):02d}",
                    office=f"Hôtel de ville, bureau {100 + len(rows)}",
                    department=code,
                    manager=manager,
                    kind="agent",
                    manages_department=number == 0,
                    groups=("Cellule de crise",) if number == 0 and code in crisis_heads else (),
                )
            )
    return rows + GUESTS


def _refuse_unless_empty() -> Agent:
    administrator = Agent.objects.filter(is_superuser=True).order_by("date_joined").first()
    if administrator is None:
        raise DemoRefused(
            _("Aucun administrateur : lancez d'abord « beffroi init », puis la démonstration.")
        )
    others = Agent.objects.exclude(pk=administrator.pk).count()
    if others or Department.objects.exists() or AgentGroup.objects.exists():
        raise DemoRefused(
            ngettext(
                "Cette instance n'est pas vide (%(n)s autre compte que l'administrateur, ou "
                "des services, des groupes) : la commune de démonstration ne se crée que sur "
                "une instance neuve.",
                "Cette instance n'est pas vide (%(n)s autres comptes que l'administrateur, ou "
                "des services, des groupes) : la commune de démonstration ne se crée que sur "
                "une instance neuve.",
                others,
            )
            % {"n": others}
        )
    return administrator


def seed_demo(say: Callable[[str], None]) -> tuple[DemoCommune, str]:
    """Fill an empty instance with Ville-Exemple, then every registered capability's demo
    data, all in one transaction. Returns the commune and the demo password."""
    rng = random.Random(SEED)  # noqa: S311 - names for a demo, not secrets
    password = f"Demo-{secrets.token_urlsafe(12)}"
    with transaction.atomic():
        administrator = _refuse_unless_empty()
        organisation = Organisation.current()
        do_update_organisation(
            name="Ville-Exemple",
            siren="219999990",
            insee_code="99999",
            mail_domains=[DOMAIN],
            second_factor_roles=organisation.second_factor_roles,
            acting=administrator,
        )
        departments: dict[str, Department] = {}
        for code, name, parent in DEPARTMENTS:
            departments[code] = do_create_department(
                name=name,
                code=code,
                parent=departments[parent] if parent else None,
                acting=administrator,
            )
        source = SourceRows(
            label="démonstration Ville-Exemple",
            columns=frozenset(FIELDS),
            rows=demo_rows(rng),
        )
        plan = plan_import(source)
        if not plan.is_valid:  # a defect of this module, not of the instance
            raise DemoRefused("; ".join(str(problem) for problem in plan.problems))
        do_import_directory(plan, acting=administrator)
        agents = {agent.username: agent for agent in Agent.objects.all()}
        for username, _who in SIGN_IN_AS:
            do_change_password(agents[username], password)
        commune = DemoCommune(
            administrator=administrator,
            agents=agents,
            departments=departments,
            groups={group.name: group for group in AgentGroup.objects.all()},
            random=rng,
            say=say,
        )
        for name, seeder in _seeders.items():
            say(_("Données de démonstration : %(name)s") % {"name": name})
            seeder(commune)
    return commune, password
