"""Password reset by e-mail: an agent who forgot their password asks for a link, gets it by mail
in French, and chooses a new password with it, once; nothing tells a stranger which accounts
exist, and without a mail relay the whole feature is off."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, TestCase
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from beffroi.audit.models import AuditEvent
from beffroi.conf.mail import django_email_settings, parse_smtp_url
from beffroi.core.outbound import deliver_mail
from beffroi.core.tests.tasks import failed, run_queued_tasks
from beffroi.directory.models import Agent
from beffroi.directory.tests.factories import DEFAULT_PASSWORD, AgentFactory
from beffroi.web.tests.browser import assert_accessible, assert_styled, screenshot

SIGN_IN = "/connexion/"
ASK = "/compte/password/reset/"
NEW_PASSWORD = "Le beffroi sonne midi à la mairie"
SAME_ANSWER = "Si un compte actif correspond à ce que vous avez saisi"
USED_LINK = "Ce lien a déjà servi ou a expiré : demandez-en un nouveau."
LINK = re.compile(r"https?://[^/\s]+(/compte/password/reset/key/[^\s]+/)")


@pytest.fixture
def mail_relay(settings):
    """A relay is configured (the tests' mailbox stands in for it)."""
    settings.OUTBOUND_MAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def signed_in_browser(username: str, password: str = DEFAULT_PASSWORD) -> Client:
    client = Client()
    response = client.post(SIGN_IN, {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def ask_for_link(login: str, *, deliver: bool = True) -> str:
    """Ask for a reset link as a stranger would, then let the task worker hand what was
    queued to the relay (unless ``deliver`` is false); returns the page answered."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Client().post(ASK, {"login": login}, follow=True)
    assert response.status_code == 200
    if deliver:
        run_queued_tasks()
    return response.content.decode()


def link_in(message: mail.EmailMessage) -> str:
    found = LINK.search(str(message.body))
    assert found, message.body
    return found.group(1)


def choose_password(link: str, password: str = NEW_PASSWORD) -> tuple[Client, str]:
    """Open the link and fill the form; returns the browser and the last page shown."""
    browser = Client()
    form_page = browser.get(link, follow=True)
    if USED_LINK in form_page.content.decode():
        return browser, form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    response = browser.post(form_url, {"password1": password, "password2": password}, follow=True)
    return browser, response.content.decode()


def can_sign_in(username: str, password: str) -> bool:
    response = Client().post(SIGN_IN, {"username": username, "password": password})
    return response.status_code == 302


def test_the_agent_receives_a_french_mail_with_a_link(mail_relay, agent_voirie):
    """Typing one's username sends one mail, in French, to the agent's own address."""
    page = ask_for_link("agent.voirie")

    assert SAME_ANSWER in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent.voirie@ville-exemple.fr"]
    assert message.subject == "[Beffroi] Choisir un nouveau mot de passe"
    assert message.from_email == "Beffroi <no-reply@localhost>"
    assert "Bonjour Karim Benali," in message.body
    assert "Le lien sert une seule fois et pendant 60 minutes." in message.body
    assert link_in(message).startswith("/compte/password/reset/key/")
    html = message.alternatives[0]
    assert html.mimetype == "text/html"
    assert 'lang="fr"' in str(html.content)


def test_the_agent_may_type_their_address_instead(mail_relay, agent_voirie):
    """Agents who remember their address rather than their username get the same link."""
    ask_for_link("Agent.Voirie@Ville-Exemple.fr")

    assert [message.to for message in mail.outbox] == [["agent.voirie@ville-exemple.fr"]]


def test_following_the_link_sets_the_new_password(mail_relay, agent_voirie):
    """The link leads to the new-password form; afterwards the old password fails, the new one
    works, "must change password" is cleared, every open session is ended, and it is audited."""
    agent_voirie.must_change_password = True
    agent_voirie.save(update_fields=["must_change_password"])
    elsewhere = signed_in_browser("agent.voirie")
    assert UserSession.objects.filter(user=agent_voirie).count() == 1
    ask_for_link("agent.voirie")

    _, page = choose_password(link_in(mail.outbox[0]))

    assert "Mot de passe changé" in page
    assert not can_sign_in("agent.voirie", DEFAULT_PASSWORD)
    assert can_sign_in("agent.voirie", NEW_PASSWORD)
    agent_voirie.refresh_from_db()
    assert agent_voirie.must_change_password is False
    assert elsewhere.get("/").status_code == 302
    assert SESSION_KEY not in elsewhere.session
    changed = AuditEvent.objects.get(action="directory.password_changed")
    assert changed.actor_id == agent_voirie.pk
    assert changed.details == {"channel": "reset_link"}
    ended = AuditEvent.objects.get(action="directory.sessions_ended", actor_id=agent_voirie.pk)
    assert ended.details == {"sessions": 1, "reason": "password_reset"}


def test_a_link_used_twice_is_refused_in_french(mail_relay, agent_voirie):
    """Someone who opens the link again (or finds it in the mailbox later) gets a precise page,
    and the password chosen the first time stays."""
    ask_for_link("agent.voirie")
    link = link_in(mail.outbox[0])
    choose_password(link)

    _, page = choose_password(link, "Un tout autre mot de passe 2026")

    assert USED_LINK in page
    assert 'href="/compte/password/reset/"' in page
    assert can_sign_in("agent.voirie", NEW_PASSWORD)
    assert not can_sign_in("agent.voirie", "Un tout autre mot de passe 2026")
    assert AuditEvent.objects.filter(action="directory.password_changed").count() == 1


def test_the_form_reached_with_a_link_cannot_be_posted_after_the_link_was_used(
    mail_relay, agent_voirie
):
    """Two tabs opened on the same link: the second one to submit is refused, nothing changes."""
    ask_for_link("agent.voirie")
    link = link_in(mail.outbox[0])
    first_tab, second_tab = Client(), Client()
    first_form = first_tab.get(link, follow=True).redirect_chain[-1][0]
    second_form = second_tab.get(link, follow=True).redirect_chain[-1][0]
    first_tab.post(first_form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    late = "Un tout autre mot de passe 2026"
    response = second_tab.post(second_form, {"password1": late, "password2": late})

    assert USED_LINK in response.content.decode()
    assert can_sign_in("agent.voirie", NEW_PASSWORD)
    assert not can_sign_in("agent.voirie", late)


def test_a_tampered_link_is_refused_the_same_way(mail_relay, agent_voirie):
    """A link whose key was altered shows the same French page and changes nothing."""
    ask_for_link("agent.voirie")
    link = link_in(mail.outbox[0])
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]

    _, page = choose_password(tampered)

    assert USED_LINK in page
    assert can_sign_in("agent.voirie", DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(action="directory.password_changed").exists()


def test_a_weak_password_is_refused_with_the_usual_rules(mail_relay, agent_voirie):
    """The new password follows the same rules as everywhere else; the link stays usable."""
    ask_for_link("agent.voirie")
    browser = Client()
    form_url = browser.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = browser.post(form_url, {"password1": "court", "password2": "court"})

    assert response.status_code == 200
    assert "Erreur :" in response.content.decode()
    assert "Ce mot de passe est trop court" in response.content.decode()
    agent_voirie.refresh_from_db()
    assert agent_voirie.check_password(DEFAULT_PASSWORD)
    response = browser.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert can_sign_in("agent.voirie", NEW_PASSWORD)


@pytest.mark.parametrize(
    "login",
    ["personne.inconnue", "inconnu@ville-exemple.fr", "sans.adresse", "agent.suspendu"],
)
def test_nothing_tells_which_accounts_exist(mail_relay, db, login):
    """Unknown username or address, an agent without address, a suspended agent: the same
    answer as for a real agent, and no mail."""
    AgentFactory(username="sans.adresse", email="")
    AgentFactory(username="agent.suspendu", status=Agent.Status.SUSPENDED)

    page = ask_for_link(login)

    assert SAME_ANSWER in page
    assert mail.outbox == []


def test_mails_to_one_agent_are_limited(mail_relay, agent_voirie):
    """Asking again and again does not flood the agent's mailbox; the answer does not change."""
    pages = [ask_for_link(login) for login in ["agent.voirie", "agent.voirie@ville-exemple.fr"] * 2]

    assert all(SAME_ANSWER in page for page in pages)
    assert len(mail.outbox) == 3


def test_the_sign_in_page_links_to_the_reset_when_mail_can_go_out(mail_relay, db):
    page = Client().get(SIGN_IN).content.decode()

    assert '<a href="/compte/password/reset/">Mot de passe oublié ?</a>' in page
    assert "Adressez-vous au service informatique" not in page


def test_without_a_mail_relay_the_reset_is_off(settings, agent_voirie):
    """BEFFROI_SMTP_URL unset: the sign-in page keeps its hint, the reset pages do not exist."""
    settings.OUTBOUND_MAIL_ENABLED = False

    sign_in = Client().get(SIGN_IN).content.decode()
    asked = Client().post(ASK, {"login": "agent.voirie"})

    assert "Mot de passe oublié ? Adressez-vous au service informatique" in sign_in
    assert 'href="/compte/password/reset/"' not in sign_in
    assert asked.status_code == 404
    assert Client().get(ASK).status_code == 404
    assert Client().get("/compte/password/reset/key/1-abc/").status_code == 404
    assert mail.outbox == []


class KeptRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_relay_that_is_down_changes_nothing_on_screen(settings, agent_voirie):
    """The relay refuses the connection: the page answers as always (it must not reveal that
    an account exists), and the log tells the IT service, without the agent's address."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    relay = parse_smtp_url(f"smtp://127.0.0.1:{port}")
    for name, value in django_email_settings(relay, password=None, timeout=5).items():
        setattr(settings, name, value)
    settings.OUTBOUND_MAIL_ENABLED = True
    kept = KeptRecords()
    logging.getLogger("beffroi.core.outbound").addHandler(kept)
    try:
        page = ask_for_link("agent.voirie", deliver=False)
        results = run_queued_tasks()
    finally:
        logging.getLogger("beffroi.core.outbound").removeHandler(kept)

    assert SAME_ANSWER in page
    failures = [r for r in kept.records if "mail not delivered" in r.getMessage()]
    assert len(failures) == 1
    assert "ville-exemple.fr" not in failures[0].getMessage()
    [failure] = failed(results)
    assert "ville-exemple.fr" not in str(failure.exception_class_path) + str(failure.traceback)


def test_the_page_answers_before_the_mail_leaves(mail_relay, agent_voirie):
    """The request only queues the message: the relay's speed cannot tell a stranger that the
    account exists. The task worker delivers it afterwards."""
    page = ask_for_link("agent.voirie", deliver=False)

    assert SAME_ANSWER in page
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path=deliver_mail.module_path).count() == 1
    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["agent.voirie@ville-exemple.fr"]]


def test_an_empty_request_is_explained(mail_relay, db):
    response = Client().post(ASK, {"login": "  "})

    assert "Saisissez votre identifiant ou votre adresse." in response.content.decode()
    assert mail.outbox == []


class SmtpSink:
    """A minimal SMTP server on loopback that keeps what it receives (no relaying)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.received = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())
        self._loop.close()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(f"{line}\r\n".encode())
            await writer.drain()

        await reply("220 sink ESMTP")
        sender, recipients = "", []
        while line := await reader.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await reply("250-sink")
                await reply("250 8BITMIME")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                await reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                await reply("250 OK")
            elif verb == "DATA":
                await reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := await reader.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.messages.append((sender, recipients, data))
                await reply("250 OK queued")
                self.received.set()
            elif verb == "QUIT":
                await reply("221 Bye")
                break
            else:
                await reply("250 OK")
        writer.close()


def test_the_link_really_goes_out_through_the_smtp_relay(settings, agent_voirie):
    """With BEFFROI_SMTP_URL=smtp://127.0.0.1:<port>, Django's SMTP backend, configured by the
    same parser as the settings, hands the mail to the relay."""
    with SmtpSink() as sink:
        relay = parse_smtp_url(f"smtp://127.0.0.1:{sink.port}")
        for name, value in django_email_settings(relay, password=None, timeout=5).items():
            setattr(settings, name, value)
        settings.OUTBOUND_MAIL_ENABLED = True
        assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"

        page = ask_for_link("agent.voirie")

        assert SAME_ANSWER in page
        assert sink.received.wait(10)
    sender, recipients, data = sink.messages[0]
    assert sender == "no-reply@localhost"
    assert recipients == ["agent.voirie@ville-exemple.fr"]
    assert b"Subject: [Beffroi] Choisir un nouveau mot de passe" in data
    assert b"/compte/password/reset/key/" in data.replace(b"=\r\n", b"")


@pytest.mark.browser
def test_the_whole_reset_in_a_browser(live_server, desktop, mail_relay, agent_voirie):
    """In chromium, with the keyboard: from the sign-in page's link to the new password, then
    the same link again; every page is styled and passes axe-core."""
    page, problems = desktop
    page.goto(f"{live_server.url}{SIGN_IN}")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    assert_styled(page)
    assert_accessible(page)
    screenshot(page, "reinitialisation-1-demande")

    page.get_by_label("Identifiant ou adresse électronique").fill("agent.voirie")
    page.get_by_label("Identifiant ou adresse électronique").press("Enter")
    expect(page.get_by_role("status").filter(has_text=SAME_ANSWER)).to_contain_text(SAME_ANSWER)
    assert_accessible(page)
    screenshot(page, "reinitialisation-2-envoyee")

    run_queued_tasks()  # the task worker of `beffroi serve` hands the mail to the relay
    link = f"{live_server.url}{link_in(mail.outbox[0])}"
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau mot de passe")
    page.get_by_role("textbox", name="Nouveau mot de passe", exact=True).fill("court")
    page.get_by_label("Nouveau mot de passe, à nouveau").fill("court")
    page.get_by_label("Nouveau mot de passe, à nouveau").press("Enter")
    expect(page.locator(".field__error").first).to_contain_text("trop court")
    assert_accessible(page)
    screenshot(page, "reinitialisation-3-erreur")

    page.get_by_role("textbox", name="Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe, à nouveau").fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe, à nouveau").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe changé")
    assert_accessible(page)
    screenshot(page, "reinitialisation-4-changee")

    page.goto(link)
    expect(page.get_by_role("alert")).to_have_text(USED_LINK)
    assert_accessible(page)
    screenshot(page, "reinitialisation-5-lien-deja-utilise")
    agent_voirie.refresh_from_db()
    assert agent_voirie.check_password(NEW_PASSWORD)
    assert not problems, "\n".join(problems)
