"""The base of every ``beffroi`` command: help and argument errors in French."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter

# Django's options common to every command, by destination.
_BASE_OPTION_HELP = {
    "help": "afficher cette aide et quitter",
    "version": "afficher la version et quitter",
    "verbosity": "niveau de détail : 0 minimal, 1 normal, 2 détaillé, 3 très détaillé",
    "settings": "module de réglages Python à utiliser (par défaut : DJANGO_SETTINGS_MODULE)",
    "pythonpath": "dossier à ajouter au chemin de recherche de Python",
    "traceback": "afficher la pile d'appels complète en cas d'erreur",
    "no_color": "ne pas colorer la sortie",
    "force_color": "forcer la couleur de la sortie",
    "skip_checks": "ne pas lancer les vérifications du système",
}

# argparse's own messages (Python 3.11 to 3.13), rendered in French.
_ERROR_TRANSLATIONS = [
    (re.compile(r"^unrecognized arguments: (.*)$"), "option ou argument inconnu : {0}"),
    (
        re.compile(r"^the following arguments are required: (.*)$"),
        "arguments obligatoires manquants : {0}",
    ),
    (
        re.compile(r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$"),
        "{0} : choix invalide {1} (choix possibles : {2})",
    ),
    (re.compile(r"^argument (.*?): expected one argument$"), "{0} : une valeur est attendue"),
    (
        re.compile(r"^argument (.*?): invalid (.*?) value: (.*)$"),
        "{0} : valeur invalide {2}",
    ),
    (
        re.compile(r"^argument (.*?): not allowed with argument (.*)$"),
        "{0} : incompatible avec {1}",
    ),
]


def translate_argparse_error(message: str) -> str:
    for pattern, template in _ERROR_TRANSLATIONS:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


class FrenchHelpFormatter(DjangoHelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, prefix="Utilisation : ")


class FrenchCommandParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        super().error(translate_argparse_error(message))
        raise AssertionError("unreachable")  # pragma: no cover

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message and ": error: " in message:
            message = message.replace(": error: ", " : erreur : ")
        super().exit(status, message)


def _frenchify(parser: argparse.ArgumentParser) -> None:
    parser.__class__ = FrenchCommandParser
    parser.formatter_class = FrenchHelpFormatter
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    for action in parser._actions:
        if action.dest in _BASE_OPTION_HELP and action.option_strings:
            action.help = _BASE_OPTION_HELP[action.dest]
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                _frenchify(subparser)


class BeffroiCommand(BaseCommand):
    """A management command whose ``--help`` and argument errors read in French.

    Django's system checks (which load every page and API module, over a second) are left to
    ``beffroi check --deploy`` and to ``serve``'s start: an administrator adding an agent or an
    app password does not wait for them.
    """

    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _frenchify(parser)
        return parser
