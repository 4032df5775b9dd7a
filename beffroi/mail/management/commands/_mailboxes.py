"""``beffroi mail mailbox …`` (a departed agent's mailbox: hand over, convert to shared) and
``beffroi mail list …`` (lists of departments and groups, and their moderation queue)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from beffroi.core.errors import BeffroiError
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.mail import queries
from beffroi.mail.actions.lifecycle import do_convert_to_shared, do_hand_over_mailbox
from beffroi.mail.actions.lists import NewList, do_create_list, do_moderate
from beffroi.mail.models import HeldMessage, MailingList


def add_mailbox_arguments(actions: Any) -> None:
    mailbox = actions.add_parser("mailbox", help="boîtes aux lettres des agents partis")
    mailbox_actions = mailbox.add_subparsers(dest="mailbox_action", required=True)
    convert = mailbox_actions.add_parser(
        "convert-to-shared",
        help="transformer la boîte d'un agent parti en boîte partagée",
        description="La boîte aux lettres de l'agent parti devient une boîte partagée : même "
        "adresse, mêmes messages ; les délégations décident qui la lit.",
    )
    convert.add_argument("username", metavar="IDENTIFIANT")
    hand_over = mailbox_actions.add_parser(
        "hand-over",
        help="confier la boîte d'un agent parti à un autre agent",
        description="L'agent désigné lit la boîte de l'agent parti et envoie en son nom.",
    )
    hand_over.add_argument("username", metavar="IDENTIFIANT")
    hand_over.add_argument("successor", metavar="SUCCESSEUR")

    lists = actions.add_parser("list", help="listes de diffusion des services et des groupes")
    list_actions = lists.add_subparsers(dest="list_action", required=True)
    add = list_actions.add_parser("add", help="créer une liste")
    add.add_argument("address", metavar="ADRESSE")
    add.add_argument("--name", required=True, metavar="NOM")
    of = add.add_mutually_exclusive_group(required=True)
    of.add_argument("--department", metavar="CODE")
    of.add_argument("--group", metavar="NOM")
    add.add_argument("--who-may-post", choices=MailingList.Posting.values, default="organisation")
    add.add_argument("--moderator", metavar="IDENTIFIANT", help="modère la liste")
    list_actions.add_parser("held", help="messages en attente de modération")
    for name, text in (("approve", "accepter"), ("refuse", "refuser")):
        decide = list_actions.add_parser(name, help=f"{text} un message en attente")
        decide.add_argument("held_id", metavar="ID")


def _agent(username: str) -> Agent:
    agent = Agent.objects.filter(username=username).first()
    if agent is None:
        raise CommandError(f"{username} : agent inconnu.")
    return agent


def handle_mailbox(command: BaseCommand, options: dict[str, Any]) -> None:
    mailbox = queries.personal_mailbox(options["username"])
    if mailbox is None:
        raise CommandError(f"{options['username']} : aucune boîte aux lettres personnelle.")
    try:
        if options["mailbox_action"] == "convert-to-shared":
            do_convert_to_shared(mailbox, acting=None)
            command.stdout.write(f"{mailbox.address} est maintenant une boîte partagée.")
        else:
            successor = _agent(options["successor"])
            do_hand_over_mailbox(mailbox, successor, acting=None)
            command.stdout.write(f"{mailbox.address} est confiée à {successor.username}.")
    except BeffroiError as error:
        raise CommandError(f"{mailbox.address} : {error.message}") from None


def _create_list(command: BaseCommand, options: dict[str, Any]) -> None:
    department = group = None
    if options["department"]:
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"{options['department']} : service inconnu.")
    else:
        group = AgentGroup.objects.filter(name=options["group"]).first()
        if group is None:
            raise CommandError(f"{options['group']} : groupe inconnu.")
    moderator = _agent(options["moderator"]) if options["moderator"] else None
    mailing_list = do_create_list(
        NewList(
            address=options["address"],
            name=options["name"],
            department=department,
            group=group,
            who_may_post=options["who_may_post"],
            moderated=moderator is not None,
            moderator=moderator,
        )
    )
    command.stdout.write(f"Liste créée : {mailing_list.address}")


def handle_list(command: BaseCommand, options: dict[str, Any]) -> None:
    action = options["list_action"]
    try:
        if action == "add":
            _create_list(command, options)
        elif action == "held":
            for held in HeldMessage.objects.select_related("mailing_list").order_by("created_at"):
                command.stdout.write(
                    f"{held.pk}\t{held.mailing_list.address}\t{held.sender}\t{held.subject}"
                )
        else:
            try:
                held_id = uuid.UUID(options["held_id"])
            except ValueError:
                raise CommandError(f"{options['held_id']} : identifiant invalide.") from None
            waiting = HeldMessage.objects.filter(pk=held_id).first()
            if waiting is None:
                raise CommandError(f"{options['held_id']} : aucun message en attente.")
            delivered = do_moderate(waiting, approve=action == "approve", acting=None)
            command.stdout.write(
                f"Accepté, remis à {delivered} boîte(s)." if action == "approve" else "Refusé."
            )
    except BeffroiError as error:
        raise CommandError(str(error.message)) from None
