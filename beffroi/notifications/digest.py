"""Notifications by e-mail, handed to the outbound mail queue: at once for the agents who asked
for it, once a day (from 7 a.m., local time) for the others who did not say never. Each
notification is mailed once; nothing is mailed when no relay is configured."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beffroi.core.outbound import mail_can_leave, send_later
from beffroi.directory.models import Agent
from beffroi.notifications.models import Notification, Preference

DIGEST_HOUR = 7
MAX_IN_ONE_MAIL = 50


def _body(notifications: list[Notification]) -> str:
    lines = []
    for notification in notifications[:MAX_IN_ONE_MAIL]:
        lines.append(f"- {notification.text}")
        if settings.PUBLIC_URL and notification.url.startswith("/"):
            lines.append(f"  {settings.PUBLIC_URL}{notification.url}")
    more = len(notifications) - MAX_IN_ONE_MAIL
    if more > 0:
        lines.append(ngettext("… et %(n)d autre.", "… et %(n)d autres.", more) % {"n": more})
    lines.append("")
    lines.append(
        _("Vous recevez ce courriel selon votre préférence, modifiable sur la page Notifications.")
    )
    return "\n".join(lines)


def _mail(agent: Agent, notifications: list[Notification]) -> None:
    with translation.override(agent.language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "Beffroi : %(n)d nouvelle notification",
            "Beffroi : %(n)d nouvelles notifications",
            len(notifications),
        ) % {"n": len(notifications)}
        send_later(EmailMessage(subject=subject, body=_body(notifications), to=[agent.email]))


def do_send_notification_mails(now: datetime.datetime | None = None) -> int:
    """Queue the mails due now; returns how many agents get one."""
    if not mail_can_leave():
        return 0
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    daily_due = timezone.localtime(now).hour >= DIGEST_HOUR
    preferences = {p.agent_id: p for p in Preference.objects.all()}
    pending: dict[uuid.UUID, list[Notification]] = defaultdict(list)
    for notification in (
        Notification.objects.filter(mailed_at=None, read_at=None)
        .select_related("agent")
        .order_by("created_at")
    ):
        pending[notification.agent_id].append(notification)
    sent = 0
    for agent_id, notifications in pending.items():
        agent = notifications[0].agent
        preference = preferences.get(agent_id)
        digest = preference.digest if preference else Preference.Digest.DAILY
        if digest == Preference.Digest.NEVER or not agent.email or not agent.can_sign_in:
            continue
        if digest == Preference.Digest.DAILY and (
            not daily_due or (preference is not None and preference.last_digest_on == today)
        ):
            continue
        with transaction.atomic():
            _mail(agent, notifications)
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(mailed_at=now)
            if digest == Preference.Digest.DAILY:
                Preference.objects.update_or_create(agent=agent, defaults={"last_digest_on": today})
        sent += 1
    return sent
