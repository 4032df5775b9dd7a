"""``beffroi user add|list``: manage accounts from the shell.

``user list --department CODE`` lists the people of that department *and of the departments
below it*: asking for Services techniques answers with the Voirie team too, as the organisation
chart reads. ``user add --department CODE`` (repeatable) places the new account.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from beffroi.core.commands import BeffroiCommand
from beffroi.core.errors import InvalidInput
from beffroi.directory.actions import NewAgent, do_create_agent
from beffroi.directory.models import Agent, Department
from beffroi.directory.queries import with_descendants


class Command(BeffroiCommand):
    help = "Comptes : créer un compte ou lister les comptes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        add = actions.add_parser(
            "add",
            help="créer un compte",
            description="Crée un compte. Le mot de passe est lu sur l'entrée standard.",
        )
        add.add_argument("username", help="identifiant de connexion (ex. : jeanne.martin)")
        add.add_argument("--email", default="", help="adresse électronique")
        add.add_argument("--first-name", default="", help="prénom")
        add.add_argument("--last-name", default="", help="nom")
        add.add_argument("--admin", action="store_true", help="administrateur de l'organisation")
        add.add_argument(
            "--department",
            action="append",
            default=[],
            dest="departments",
            metavar="CODE",
            help="code du service de l'agent (ex. : VOIRIE), à répéter pour plusieurs services",
        )
        add.add_argument(
            "--password-stdin",
            action="store_true",
            required=True,
            help="lire le mot de passe sur l'entrée standard (obligatoire : jamais en argument)",
        )
        listing = actions.add_parser(
            "list",
            help="lister les identifiants, un par ligne",
            description="Affiche un identifiant par ligne.",
        )
        listing.add_argument(
            "--department",
            metavar="CODE",
            help="seulement les agents de ce service et des services qui en dépendent",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["department"])
            return
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("Aucun mot de passe reçu sur l'entrée standard.")
        try:
            agent = do_create_agent(
                NewAgent(
                    username=options["username"],
                    password=password,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    is_admin=options["admin"],
                    department_codes=tuple(options["departments"]),
                )
            )
        except InvalidInput as error:
            lines = [
                f"  {field} : {message}"
                for field, messages in error.fields.items()
                for message in messages
            ]
            raise CommandError("Compte non créé :\n" + "\n".join(lines)) from None
        self.stdout.write(f"Compte créé : {agent.username}")

    def _list(self, department_code: str | None) -> None:
        agents = Agent.objects.order_by("username")
        if department_code is not None:
            department = Department.objects.filter(code=department_code).first()
            if department is None:
                raise CommandError(f"Service inconnu : {department_code}")
            agents = agents.filter(
                memberships__department_id__in=with_descendants([department.pk])
            ).distinct()
        for username in agents.values_list("username", flat=True):
            self.stdout.write(username)
