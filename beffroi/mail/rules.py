"""What a mailbox's settings decide about a message arriving in it, read-only: which rules
match, whether the out-of-office reply is owed (RFC 3834), whether a redirect would loop, and
who may change these settings.

The writes (recording a reply, sending it, redirecting) are in ``beffroi.mail.actions.rules``.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import Message as EmailMessage
from email.utils import getaddresses
from typing import Any

from beffroi.core.errors import NotFound
from beffroi.mail.index import header, parse
from beffroi.mail.models import DeliveryRule, Folder, Mailbox, OutOfOffice
from beffroi.mail.policies import abilities, signed_in_agent

# A message redirected more times than this is looping, whatever its path.
MAX_REDIRECTS = 5
# Senders that never get an automatic reply (RFC 3834 2, and the usual robots' names).
_ROBOT = re.compile(
    r"^(mailer-daemon|postmaster|listserv|majordomo|.*-request|owner-.*|bounces?[-+.].*|bounces?"
    r"|no[-_.]?reply.*|do[-_.]?not[-_.]?reply.*|ne[-_.]?pas[-_.]?repondre.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SettingsAbilities:
    out_of_office: bool = False
    rules: bool = False


def settings_abilities(user: Any, mailbox: Mailbox) -> SettingsAbilities:
    """The holder sets everything; a delegate who may send as a shared mailbox may set its
    out-of-office reply (the service's answer while everyone is away), not its rules."""
    granted = abilities(user, mailbox)
    agent = signed_in_agent(user)
    is_owner = agent is not None and mailbox.owner_id == agent.pk
    return SettingsAbilities(
        out_of_office=is_owner or (mailbox.kind == Mailbox.Kind.SHARED and granted.send_as),
        rules=is_owner,
    )


def addresses_in(message: EmailMessage, *names: str) -> set[str]:
    """The addresses (lower case) in the message's headers ``names``."""
    values = [header(message, name) for name in names]
    return {address.lower() for _name, address in getaddresses(values) if "@" in address}


class LazyMessage:
    """The parsed message, parsed only if a rule or the out-of-office reply needs to look at
    it (most mailboxes have neither, and a large message takes a while to parse)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    @functools.cached_property
    def message(self) -> EmailMessage:
        return parse(self.raw)


@dataclass
class Plan:
    """What the rules want done with a message for one mailbox."""

    folder: Folder | None = None
    mark_read: bool = False
    redirects: list[str] = field(default_factory=list)


def _contains(haystack: str, needle: str) -> bool:
    return not needle or needle.casefold() in haystack.casefold()


def matches(rule: DeliveryRule, message: EmailMessage, envelope_sender: str) -> bool:
    """Every condition the rule has holds (a rule with none matches nothing)."""
    conditions = (rule.from_contains, rule.to_contains, rule.subject_contains, rule.list_id)
    if not any(conditions):
        return False
    return (
        _contains(f"{header(message, 'from')} {envelope_sender}", rule.from_contains)
        and _contains(f"{header(message, 'to')} {header(message, 'cc')}", rule.to_contains)
        and _contains(header(message, "subject"), rule.subject_contains)
        and _contains(header(message, "list-id"), rule.list_id)
    )


def plan(rules: Iterable[DeliveryRule], message: EmailMessage, envelope_sender: str) -> Plan:
    """The rules in order: the first folder wins, redirects add up, ``stop`` ends the walk."""
    result = Plan()
    for rule in rules:
        if not matches(rule, message, envelope_sender):
            continue
        if rule.folder is not None and result.folder is None:
            result.folder = rule.folder
        result.mark_read = result.mark_read or rule.mark_read
        if rule.redirect_to and rule.redirect_to not in result.redirects:
            result.redirects.append(rule.redirect_to)
        if rule.stop:
            break
    return result


def delivered_to(message: EmailMessage) -> list[str]:
    return [str(value).strip().lower() for value in message.get_all("delivered-to") or []]


def redirect_loops(message: EmailMessage, mailbox_address: str, target: str) -> bool:
    """Whether redirecting would loop: the message already went through the target or this
    mailbox by a redirect, or has been redirected too many times."""
    seen = delivered_to(message)
    return len(seen) >= MAX_REDIRECTS or target.lower() in seen or mailbox_address.lower() in seen


def is_away(settings: OutOfOffice, today: date) -> bool:
    return (
        settings.enabled
        and (settings.starts_on is None or settings.starts_on <= today)
        and (settings.ends_on is None or today <= settings.ends_on)
    )


def is_automatic(message: EmailMessage) -> bool:
    """Mail that must never be answered automatically: automatic itself, or from a list."""
    auto = header(message, "auto-submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if header(message, "precedence").strip().lower() in ("bulk", "list", "junk"):
        return True
    if any(str(name).lower().startswith("list-") for name in message):
        return True
    return bool(header(message, "x-auto-response-suppress"))


def owes_reply(message: EmailMessage, envelope_sender: str, own_addresses: Sequence[str]) -> bool:
    """RFC 3834 2: reply only to a person who wrote to this mailbox by name (To or Cc), with a
    return path, in a message that is neither automatic nor from a list."""
    sender = envelope_sender.strip().lower()
    local, separator, _domain = sender.rpartition("@")
    if not separator or not local or _ROBOT.match(local):
        return False
    if sender in {address.lower() for address in own_addresses}:
        return False
    if is_automatic(message):
        return False
    return bool(addresses_in(message, "to", "cc") & {a.lower() for a in own_addresses})


def access_rule(user: Any, mailbox: Mailbox, rule_id: Any) -> DeliveryRule:
    """A rule of the mailbox the user may change (one answer for missing and forbidden)."""
    try:
        key = uuid.UUID(str(rule_id))
    except ValueError:
        raise NotFound() from None
    rule = DeliveryRule.objects.select_related("mailbox").filter(pk=key, mailbox=mailbox).first()
    if rule is None or not settings_abilities(user, mailbox).rules:
        raise NotFound()
    return rule
