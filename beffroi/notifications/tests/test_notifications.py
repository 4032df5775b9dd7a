"""Notifications: the bell's page, marking read, and the mails (at once or a daily digest,
never twice, never when the agent said never or no relay is configured)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from beffroi.core.tests.tasks import run_queued_tasks
from beffroi.notifications.actions import do_notify, do_set_digest
from beffroi.notifications.digest import do_send_notification_mails
from beffroi.notifications.mentions import mentioned_usernames
from beffroi.notifications.models import Notification

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def relay(settings):
    settings.OUTBOUND_MAIL_ENABLED = True
    settings.PUBLIC_URL = "https://beffroi.ville-exemple.fr"


def _at(hour: int) -> datetime.datetime:
    return datetime.datetime(2027, 1, 11, hour, 30, tzinfo=PARIS)


def test_mentions_are_usernames_after_an_at_sign_not_addresses():
    text = "@agent.finances et @Claire.Dubois, mais pas contact@mairie.fr ni @."
    assert mentioned_usernames(text) == ["agent.finances", "Claire.Dubois"]


def test_the_page_lists_and_marks_read(agent_voirie, agent_finances):
    do_notify(
        [agent_finances], "mention", "Karim vous a mentionné.", "/espaces/x/", actor=agent_voirie
    )
    client = Client()
    client.force_login(agent_finances)
    page = client.get("/notifications/").content.decode()
    assert "Karim vous a mentionné." in page
    assert "data-unread-count>1<" in page
    client.post("/notifications/tout-lu/")
    assert not Notification.objects.filter(agent=agent_finances, read_at=None).exists()


def test_nobody_is_told_of_their_own_doing(agent_voirie):
    assert do_notify([agent_voirie], "mention", "x", actor=agent_voirie) == []


def test_the_daily_digest_leaves_once_a_day_after_seven(
    relay, agent_voirie, agent_finances, django_capture_on_commit_callbacks
):
    do_notify(
        [agent_finances], "mention", "Karim vous a mentionné.", "/espaces/x/", actor=agent_voirie
    )
    do_notify(
        [agent_finances],
        "assignment",
        "Une tâche pour vous.",
        "/espaces/x/taches/",
        actor=agent_voirie,
    )
    assert do_send_notification_mails(_at(6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_notification_mails(_at(8)) == 1
    run_queued_tasks()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [agent_finances.email]
    assert digest.subject == "Beffroi : 2 nouvelles notifications"
    assert "https://beffroi.ville-exemple.fr/espaces/x/taches/" in digest.body
    do_notify([agent_finances], "mention", "Encore une.", actor=agent_voirie)
    assert do_send_notification_mails(_at(9)) == 0  # already one today
    assert do_send_notification_mails(_at(9) + datetime.timedelta(days=1)) == 1


def test_immediate_mails_and_never(
    relay, agent_voirie, agent_finances, elu, django_capture_on_commit_callbacks
):
    do_set_digest(agent_finances, "immediate")
    do_set_digest(elu, "never")
    do_notify([agent_finances, elu], "mention", "Karim vous a mentionné.", actor=agent_voirie)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_notification_mails(_at(3)) == 1
    assert do_send_notification_mails(_at(3)) == 0
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[agent_finances.email]]


def test_no_relay_no_mail(agent_voirie, agent_finances):
    do_notify([agent_finances], "mention", "x", actor=agent_voirie)
    assert do_send_notification_mails(timezone.now()) == 0
    assert Notification.objects.get(agent=agent_finances).mailed_at is None
