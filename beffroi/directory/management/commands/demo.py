"""``beffroi demo seed``: the fictional commune « Ville-Exemple », on an empty instance."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import CommandParser

from beffroi.core.commands import BeffroiCommand
from beffroi.directory.demo import SIGN_IN_AS, DemoRefused, seed_demo
from beffroi.directory.models import Agent, AgentGroup, Department


class Command(BeffroiCommand):
    help = "Démonstration : créer la commune fictive « Ville-Exemple » sur une instance vide."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        actions.add_parser(
            "seed",
            help="créer la commune de démonstration",
            description=(
                "Crée « Ville-Exemple » : 12 services, 120 agents et élus, des groupes, deux "
                "invités, puis les données de démonstration de chaque fonction. Refuse une "
                "instance qui a déjà des comptes (autres que le premier administrateur), des "
                "services ou des groupes."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            self._refuse(
                "La commune de démonstration ne se crée pas en production (BEFFROI_ENV=production)."
            )
        try:
            _commune, password = seed_demo(say=self.stdout.write)
        except DemoRefused as error:
            self._refuse(error.message)
        people = Agent.objects.exclude(kind=Agent.Kind.GUEST).exclude(is_superuser=True).count()
        guests = Agent.objects.filter(kind=Agent.Kind.GUEST).count()
        self.stdout.write(
            f"Ville-Exemple est prête : {Department.objects.count()} services, {people} agents "
            f"et élus, {guests} invités, {AgentGroup.objects.count()} groupes."
        )
        self.stdout.write("")
        self.stdout.write(f"Connectez-vous avec le mot de passe de démonstration {password}")
        self.stdout.write("(affiché cette seule fois) sous l'un de ces identifiants :")
        for username, who in SIGN_IN_AS:
            self.stdout.write(f"  {username:<18} {who}")
        self.stdout.write(
            "Les autres comptes n'ont pas de mot de passe : un administrateur le réinitialise "
            "depuis la console."
        )

    def _refuse(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(1)
