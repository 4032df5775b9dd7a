"""``beffroi app-password add|list|revoke``: app passwords from the shell.

``add`` prints the secret alone on standard output and its notes on standard error, so that a
script captures it with ``secret=$(beffroi app-password add jeanne --label rclone)``.
"""

# The command is spelled with a dash, as ARCHITECTURE.md §5 promises; Django finds commands by
# file name and imports them with importlib, which takes any file name.
# ruff: noqa: N999

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from beffroi.core.commands import BeffroiCommand
from beffroi.core.errors import InvalidInput
from beffroi.directory.actions import do_create_app_password, do_revoke_app_password
from beffroi.directory.models import Agent, AppPassword

_SCOPES = AppPassword.Scope.values


class Command(BeffroiCommand):
    help = "Mots de passe d'application : créer, lister, révoquer."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        add = actions.add_parser(
            "add",
            help="créer un mot de passe d'application",
            description="Crée un mot de passe d'application. Il est affiché seul sur la sortie "
            "standard, une seule fois ; les explications vont sur la sortie d'erreur.",
        )
        add.add_argument("username", help="identifiant de l'agent (ex. : jeanne.martin)")
        add.add_argument(
            "--label", required=True, help="nom de l'appareil ou du logiciel (ex. : rclone)"
        )
        add.add_argument(
            "--scope",
            action="append",
            choices=_SCOPES,
            dest="scopes",
            help="usage permis, à répéter (files, calendars, mail, api) ; tous si absent",
        )
        listing = actions.add_parser(
            "list",
            help="lister les mots de passe d'application d'un agent",
            description="Une ligne par mot de passe en service : identifiant, usages, création, "
            "dernière utilisation, nom (séparés par des tabulations).",
        )
        listing.add_argument("username", help="identifiant de l'agent")
        revoke = actions.add_parser(
            "revoke",
            help="révoquer un mot de passe d'application",
            description="Révoque un mot de passe d'application (identifiant donné par « list »).",
        )
        revoke.add_argument("username", help="identifiant de l'agent")
        revoke.add_argument("id", help="identifiant du mot de passe (colonne 1 de « list »)")

    def handle(self, *args: Any, **options: Any) -> None:
        agent = Agent.objects.filter(username=options["username"]).first()
        if agent is None:
            raise CommandError(f"Agent inconnu : {options['username']}")
        if options["action"] == "add":
            self._add(agent, options["label"], options["scopes"] or _SCOPES)
        elif options["action"] == "list":
            self._list(agent)
        else:
            self._revoke(agent, options["id"])

    def _add(self, agent: Agent, label: str, scopes: list[str]) -> None:
        try:
            app_password, secret = do_create_app_password(agent, label, scopes)
        except InvalidInput as error:
            lines = [
                f"  {field} : {message}"
                for field, messages in error.fields.items()
                for message in messages
            ]
            raise CommandError("Mot de passe non créé :\n" + "\n".join(lines)) from None
        self.stdout.write(secret)
        self.stderr.write(
            f"Mot de passe d'application « {app_password.label} » créé pour {agent.username} "
            f"(usages : {', '.join(app_password.scopes)} ; identifiant : {app_password.pk}).\n"
            "Il n'est affiché qu'une fois : saisissez-le dans l'application avec l'identifiant "
            f"{agent.username}.",
            style_func=lambda text: text,
        )

    def _list(self, agent: Agent) -> None:
        for app_password in AppPassword.objects.filter(agent=agent, revoked_at=None):
            last_used = (
                f"{_local(app_password.last_used_at)} {app_password.last_used_address or ''}"
                if app_password.last_used_at
                else "jamais"
            )
            self.stdout.write(
                "\t".join(
                    [
                        str(app_password.pk),
                        ",".join(app_password.scopes),
                        _local(app_password.created_at),
                        last_used.strip(),
                        app_password.label,
                    ]
                )
            )

    def _revoke(self, agent: Agent, given: str) -> None:
        try:
            app_password_id = uuid.UUID(given)
        except ValueError:
            raise CommandError(f"Identifiant invalide : {given}") from None
        app_password = AppPassword.objects.filter(
            agent=agent, pk=app_password_id, revoked_at=None
        ).first()
        if app_password is None:
            raise CommandError(
                f"Aucun mot de passe d'application en service {given} pour {agent.username}."
            )
        do_revoke_app_password(app_password, acting=None)
        self.stdout.write(f"Mot de passe d'application « {app_password.label} » révoqué.")


def _local(moment: Any) -> str:
    return str(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))
