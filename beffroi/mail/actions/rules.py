"""A mailbox's delivery settings: the out-of-office reply and the ordered rules (audited, since
a redirect sends the mailbox's mail elsewhere), and what they do when a message arrives:
redirects (with SRS for outside senders) and the automatic reply (RFC 3834).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.message import Message as ParsedMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory.models import Agent
from beffroi.mail import rules, srs
from beffroi.mail.addresses import InvalidAddress, parse_address
from beffroi.mail.index import header
from beffroi.mail.models import Alias, AutoReplySent, DeliveryRule, Folder, Mailbox, OutOfOffice
from beffroi.mail.queries import is_local_domain, mailbox_for_address

logger = logging.getLogger(__name__)

MAX_RULES = 100
_CONDITIONS = ("from_contains", "to_contains", "subject_contains", "list_id")


def _single_line(text: str, limit: int) -> str:
    """A header value typed by a person: no line break (header injection), not too long."""
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise InvalidInput(_("%(n)s caractères au plus.") % {"n": limit})
    return cleaned


@dataclass(frozen=True)
class OutOfOfficeForm:
    enabled: bool
    subject: str
    text: str
    starts_on: date | None = None
    ends_on: date | None = None
    period_days: int = 4


def do_set_out_of_office(
    mailbox: Mailbox, form: OutOfOfficeForm, *, acting: Agent, address: str | None = None
) -> OutOfOffice:
    """Set the mailbox's out-of-office reply (a new period: everyone may be answered again)."""
    if not rules.settings_abilities(acting, mailbox).out_of_office:
        raise NotFound()
    problems: dict[str, list[str]] = {}
    try:
        subject = _single_line(form.subject, 200)
    except InvalidInput as error:
        problems["subject"] = [str(error.message)]
        subject = ""
    if form.enabled and not subject:
        problems["subject"] = [_("Donnez un objet à la réponse.")]
    if form.enabled and not form.text.strip():
        problems["text"] = [_("Écrivez le message de la réponse.")]
    if len(form.text) > 10_000:
        problems["text"] = [_("%(n)s caractères au plus.") % {"n": 10_000}]
    if form.starts_on and form.ends_on and form.ends_on < form.starts_on:
        problems["ends_on"] = [_("La date de fin précède la date de début.")]
    if not 1 <= form.period_days <= 30:
        problems["period_days"] = [_("Entre 1 et 30 jours.")]
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        settings, _created = OutOfOffice.objects.update_or_create(
            mailbox=mailbox,
            defaults={
                "enabled": form.enabled,
                "subject": subject,
                "text": form.text.replace("\r\n", "\n").strip(),
                "starts_on": form.starts_on,
                "ends_on": form.ends_on,
                "period_days": form.period_days,
            },
        )
        AutoReplySent.objects.filter(mailbox=mailbox).delete()
        record(
            "mail.out_of_office_changed",
            actor=acting,
            target=mailbox,
            address=address,
            details={
                "enabled": form.enabled,
                "starts_on": form.starts_on.isoformat() if form.starts_on else None,
                "ends_on": form.ends_on.isoformat() if form.ends_on else None,
            },
        )
    return settings


@dataclass(frozen=True)
class RuleForm:
    name: str
    from_contains: str = ""
    to_contains: str = ""
    subject_contains: str = ""
    list_id: str = ""
    folder: Folder | None = None
    mark_read: bool = False
    redirect_to: str = ""
    stop: bool = False


def _rules_of(mailbox: Mailbox, acting: Agent) -> None:
    if not rules.settings_abilities(acting, mailbox).rules:
        raise NotFound()


def do_add_rule(
    mailbox: Mailbox, form: RuleForm, *, acting: Agent, address: str | None = None
) -> DeliveryRule:
    """Add a rule at the end of the mailbox's rules."""
    _rules_of(mailbox, acting)
    problems: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for name, limit in [("name", 100), *((condition, 200) for condition in _CONDITIONS)]:
        try:
            values[name] = _single_line(getattr(form, name), limit)
        except InvalidInput as error:
            problems[name] = [str(error.message)]
    if not values.get("name"):
        problems["name"] = [_("Donnez un nom à la règle.")]
    if not any(values.get(condition) for condition in _CONDITIONS):
        problems["conditions"] = [_("Donnez au moins une condition.")]
    target = ""
    if form.redirect_to.strip():
        try:
            target = str(parse_address(form.redirect_to))
        except InvalidAddress:
            problems["redirect_to"] = [_("Cette adresse électronique n'est pas valide.")]
        else:
            if mailbox_for_address(target) == mailbox:
                problems["redirect_to"] = [_("Une boîte ne peut pas se rediriger vers elle-même.")]
    if form.folder is not None and form.folder.mailbox_id != mailbox.pk:
        problems["folder"] = [_("Dossier inconnu.")]
    if not (form.folder or form.mark_read or target or form.stop):
        problems["actions"] = [_("Choisissez au moins une action.")]
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        Mailbox.objects.select_for_update().filter(pk=mailbox.pk).first()
        existing = DeliveryRule.objects.filter(mailbox=mailbox)
        if existing.count() >= MAX_RULES:
            raise InvalidInput(_("%(n)s règles au plus.") % {"n": MAX_RULES})
        last = existing.aggregate(last=Max("position"))["last"]
        rule = DeliveryRule.objects.create(
            mailbox=mailbox,
            position=0 if last is None else last + 1,
            folder=form.folder,
            mark_read=form.mark_read,
            redirect_to=target,
            stop=form.stop,
            **values,
        )
        record(
            "mail.rule_added",
            actor=acting,
            target=mailbox,
            address=address,
            details={"rule": rule.name, "redirect_to": target or None},
        )
    return rule


def do_delete_rule(rule: DeliveryRule, *, acting: Agent, address: str | None = None) -> None:
    _rules_of(rule.mailbox, acting)
    with transaction.atomic():
        rule.delete()
        record(
            "mail.rule_deleted",
            actor=acting,
            target=rule.mailbox,
            address=address,
            details={"rule": rule.name},
        )


def do_move_rule(
    rule: DeliveryRule, direction: int, *, acting: Agent, address: str | None = None
) -> None:
    """Move the rule one place up (``direction`` -1) or down (+1): the order is renumbered."""
    _rules_of(rule.mailbox, acting)
    with transaction.atomic():
        ordered = list(
            DeliveryRule.objects.select_for_update()
            .filter(mailbox=rule.mailbox)
            .order_by("position", "created_at")
        )
        where = next(i for i, item in enumerate(ordered) if item.pk == rule.pk)
        other = where + (1 if direction > 0 else -1)
        if not 0 <= other < len(ordered):
            return
        ordered[where], ordered[other] = ordered[other], ordered[where]
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position", "updated_at"])
        record(
            "mail.rules_reordered",
            actor=acting,
            target=rule.mailbox,
            address=address,
            details={"order": [item.name for item in ordered]},
        )


# --- At delivery --------------------------------------------------------------------------


def own_addresses(mailbox: Mailbox) -> list[str]:
    return [
        mailbox.address,
        *Alias.objects.filter(mailbox=mailbox).values_list("address", flat=True),
    ]


def plan_for(mailbox: Mailbox, message: rules.LazyMessage, envelope_sender: str) -> rules.Plan:
    found = list(
        DeliveryRule.objects.filter(mailbox=mailbox)
        .select_related("folder")
        .order_by("position", "created_at")
    )
    if not found:
        return rules.Plan()
    return rules.plan(found, message.message, envelope_sender)


def _split(recipients: list[str]) -> tuple[list[str], list[str]]:
    local = [r for r in recipients if is_local_domain(r.rpartition("@")[2].lower())]
    return local, [r for r in recipients if r not in local]


def redirect(
    mailbox: Mailbox, raw: bytes, message: ParsedMessage, envelope_sender: str, target: str
) -> bool:
    """Send a copy of ``raw`` to ``target`` with a ``Delivered-To:`` of this mailbox on top;
    refused (False) when it would loop. Outside senders are rewritten with SRS when the copy
    leaves the organisation."""
    from beffroi.mail.actions.messages import do_deliver
    from beffroi.mail.actions.queue import do_queue_outbound

    if rules.redirect_loops(message, mailbox.address, target):
        logger.warning("redirect refused: loop", extra={"fields": {"mailbox": mailbox.address}})
        return False
    copy = f"Delivered-To: {mailbox.address}\r\n".encode() + raw
    local, outside = _split([target])
    if local:
        do_deliver(copy, envelope_sender, local)
        return True
    sender_domain = envelope_sender.rpartition("@")[2].lower()
    rewritten = (
        srs.forward(envelope_sender, mailbox.domain.name)
        if envelope_sender and not is_local_domain(sender_domain)
        else envelope_sender
    )
    do_queue_outbound(copy, rewritten, outside, agent=None)
    return True


def _reply_bytes(mailbox: Mailbox, away: OutOfOffice, message: ParsedMessage, to: str) -> bytes:
    reply = EmailMessage()
    reply["From"] = formataddr((mailbox.name, mailbox.address))
    reply["To"] = to
    reply["Subject"] = away.subject
    reply["Date"] = format_datetime(timezone.localtime())
    reply["Message-ID"] = make_msgid(domain=mailbox.domain.name)
    original = header(message, "message-id")
    if original:
        reply["In-Reply-To"] = original
        references = header(message, "references")
        reply["References"] = f"{references} {original}".strip()
    reply["Auto-Submitted"] = "auto-replied"
    reply["X-Auto-Response-Suppress"] = "All"
    reply.set_content(away.text)
    return bytes(reply.as_bytes(policy=reply.policy.clone(linesep="\r\n")))


def auto_reply(mailbox: Mailbox, lazy: rules.LazyMessage, envelope_sender: str) -> bool:
    """Answer with the mailbox's out-of-office reply when one is owed: at most once per
    sender per period (the row is locked, so two deliveries cannot both answer)."""
    from beffroi.mail.actions.queue import do_submit

    away = OutOfOffice.objects.filter(mailbox=mailbox).first()
    if away is None or not rules.is_away(away, timezone.localdate()):
        return False
    message = lazy.message
    if not rules.owes_reply(message, envelope_sender, own_addresses(mailbox)):
        return False
    try:
        sender = str(parse_address(envelope_sender))
    except InvalidAddress:
        return False
    now = timezone.now()
    answered, created = AutoReplySent.objects.select_for_update().get_or_create(
        mailbox=mailbox, sender=sender, defaults={"sent_at": now}
    )
    if not created:
        if answered.sent_at > now - timedelta(days=away.period_days):
            return False
        answered.sent_at = now
        answered.save(update_fields=["sent_at"])
    local, outside = _split([sender])
    # RFC 3834 3.3: the reply's envelope sender is empty, so nothing answers it in turn.
    do_submit(_reply_bytes(mailbox, away, message, sender), "", local, outside, agent=None)
    return True


def after_delivery(
    mailbox: Mailbox,
    message: rules.LazyMessage,
    envelope_sender: str,
    plan: rules.Plan,
) -> None:
    """Redirects and the automatic reply, each in its own savepoint: one failing (a full
    target mailbox, a bug) is logged and never undoes the delivery itself."""
    steps: list[tuple[str, Any]] = [
        (
            "redirect",
            lambda target=target: redirect(
                mailbox, message.raw, message.message, envelope_sender, target
            ),
        )
        for target in plan.redirects
    ]
    steps.append(("auto-reply", lambda: auto_reply(mailbox, message, envelope_sender)))
    for name, step in steps:
        try:
            with transaction.atomic():
                step()
        except Exception:
            logger.exception(
                "delivery step failed", extra={"fields": {"step": name, "mailbox": mailbox.address}}
            )
