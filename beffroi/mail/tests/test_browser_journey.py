"""The webmail journey of issue 7 (Done-when 5) in Chromium, with the Content-Security-Policy
enforced and the real ASGI application: a resident's message sits in Karim's inbox (Voirie);
he reads it, answers everyone with a link to a plan chosen from his drive, and sends; Sophie
(Finances), on her phone, finds the answer in her inbox and the link opens the plan. Then the
shared urbanisme@ mailbox: Karim assigns a conversation to Sophie, who sees it on her phone.
The keyboard shortcuts and the draft saved as one types are used on the way. axe-core checks
every webmail page, desktop and phone; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from beffroi.directory.models import Agent
from beffroi.files.access.nodes import access_root
from beffroi.files.actions.nodes import do_open_personal_space, do_upload
from beffroi.mail.actions import (
    do_create_shared_mailbox,
    do_deliver,
    do_grant_delegation,
)
from beffroi.mail.models import Assignment, Folder, Message
from beffroi.mail.tests.conftest import message
from beffroi.web.tests.asgi_server import asgi_live_server  # noqa: F401 - the server fixture
from beffroi.web.tests.browser import (  # noqa: F401 - the browser fixture
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    browser,
    screenshot,
    signed_in_page,
)

pytestmark = pytest.mark.browser

SUBJECT = "Affaissement de chaussée rue des Tilleuls"
PLAN = "plan-chaussee-tilleuls.pdf"


@dataclass
class _Session:
    page: Page
    problems: list[str]


@pytest.fixture
def sessions(browser, asgi_live_server) -> Iterator[Callable[..., _Session]]:  # noqa: F811
    opened: list[Iterator[tuple[Page, list[str]]]] = []

    def open_for(agent: Agent, viewport: dict[str, int]) -> _Session:
        pages = signed_in_page(browser, viewport, asgi_live_server, agent)
        opened.append(pages)
        return _Session(*next(pages))

    yield open_for
    for pages in opened:
        next(pages, None)


def _check(page: Page, name: str) -> None:
    assert_styled(page)
    assert_fits_width(page)
    screenshot(page, f"courrier-{name}")
    assert_accessible(page)


def test_reply_with_a_drive_link_and_a_shared_mailbox(
    browser,  # noqa: F811
    asgi_live_server,  # noqa: F811
    sessions,
    domain,
    agent_voirie,
    agent_finances,
):
    base = asgi_live_server
    # A resident writes to Karim, with Finances in copy (a refund of roadworks damage).
    do_deliver(
        message(
            sender="Paul Girard <paul.girard@exemple-habitant.fr>",
            to="agent.voirie@ville-exemple.fr",
            subject=SUBJECT,
            body="Bonjour,\r\n\r\nLa chaussée s'affaisse devant le 12.\r\nMerci de votre aide.\r\n",
            headers="Cc: agent.finances@ville-exemple.fr\r\nMessage-ID: <habitant-1@exemple>\r\n",
        ),
        "paul.girard@exemple-habitant.fr",
        ["agent.voirie@ville-exemple.fr"],
    )
    root = access_root(agent_voirie, do_open_personal_space(agent_voirie))
    do_upload(agent_voirie, root, PLAN, [b"%PDF-1.4 plan de la chaussee"])
    karim = sessions(agent_voirie, DESKTOP)
    sophie = sessions(agent_finances, PHONE)

    # 1. Karim opens the mail from the main navigation: his inbox.
    page = karim.page
    page.goto(f"{base}/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Courrier"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boîte de réception")
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    _check(page, "1-boite-de-reception")

    # The shortcuts' help: « ? » opens it, Escape closes it.
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Raccourcis clavier")
    expect(help_dialog).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    # 2. He reads the message (j moves to it, Enter opens it).
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.get_by_text("La chaussée s'affaisse devant le 12.")).to_be_visible()
    _check(page, "2-conversation")

    # 3. « a » answers everyone; he writes, picks the plan from his drive, the draft is kept.
    page.keyboard.press("a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrire un message")
    expect(page.get_by_label("Objet")).to_have_value(f"Re : {SUBJECT}")
    expect(page.get_by_label("Cc", exact=True)).to_have_value("agent.finances@ville-exemple.fr")
    body = page.get_by_label("Message", exact=True)
    body.press("Control+Home")
    body.type("Bonjour Monsieur Girard,\nvoici le plan de la réfection prévue. c'est rapide.\n")
    # Typing « c » or « r » in the field did not leave the page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrire un message")
    expect(page.locator("[data-draft-status]")).to_contain_text("Brouillon enregistré")
    assert (
        Message.objects.filter(
            folder__mailbox__address="agent.voirie@ville-exemple.fr",
            folder__special_use=Folder.SpecialUse.DRAFTS,
        ).count()
        == 1
    )
    page.get_by_text("Joindre depuis le Drive").click()
    page.get_by_label(PLAN).check()
    _check(page, "3-redaction")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Votre message est envoyé.")).to_be_visible()
    assert not Message.objects.filter(folder__special_use=Folder.SpecialUse.DRAFTS).exists()

    # 4. Sophie, on her phone, finds the answer in her inbox; the link opens the plan.
    phone = sophie.page
    phone.goto(f"{base}/courrier/")
    reply = phone.get_by_role("link", name=f"Re : {SUBJECT}")
    expect(reply).to_be_visible()
    _check(phone, "4-telephone-boite")
    reply.click()
    expect(phone.get_by_text("voici le plan de la réfection prévue.")).to_be_visible()
    _check(phone, "5-telephone-reponse")
    phone.get_by_role("link", name=PLAN).click()
    expect(phone.get_by_text(PLAN).first).to_be_visible()
    expect(phone.get_by_role("link", name="Télécharger")).to_be_visible()
    screenshot(phone, "courrier-6-telephone-lien-drive")

    # 5. The shared urbanism mailbox: Karim assigns a request to Sophie.
    urbanisme = do_create_shared_mailbox("urbanisme@ville-exemple.fr", "Urbanisme", acting=None)
    do_grant_delegation(urbanisme, agent_voirie, read=True, send_as=True, acting=None)
    do_grant_delegation(urbanisme, agent_finances, read=True, acting=None)
    do_deliver(
        message(to="urbanisme@ville-exemple.fr", subject="Déclaration préalable de clôture"),
        "",
        ["urbanisme@ville-exemple.fr"],
    )
    page.goto(f"{base}/courrier/")
    page.get_by_role("navigation", name="Boîtes aux lettres").get_by_role(
        "region", name="Urbanisme"
    ).get_by_role("link", name="Boîte de réception").click()
    page.get_by_role("link", name="Déclaration préalable de clôture").click()
    page.get_by_label("Attribuer à").select_option(label="Sophie Martin")
    page.get_by_label("Statut").select_option(label="en cours")
    page.get_by_role("button", name="Enregistrer l'attribution").click()
    expect(page.get_by_text("L'attribution de la conversation est enregistrée.")).to_be_visible()
    expect(page.locator("[data-assignment]")).to_contain_text("Attribuée à Sophie Martin")
    _check(page, "7-partagee-attribution")
    assert Assignment.objects.get(mailbox=urbanisme).assignee == agent_finances

    # Sophie sees the assignee in the shared mailbox's list, on her phone.
    inbox = Folder.objects.get(mailbox=urbanisme, special_use=Folder.SpecialUse.INBOX)
    phone.goto(f"{base}/courrier/dossier/{inbox.pk}/")
    expect(phone.get_by_text("Attribuée à Sophie Martin")).to_be_visible()
    _check(phone, "8-telephone-partagee")
    # Sophie only reads urbanisme@: she may not pick it as a sender.
    phone.goto(f"{base}/courrier/ecrire/")
    expect(phone.get_by_label("De")).not_to_contain_text("urbanisme@")
    _check(phone, "9-telephone-redaction")

    # Back on his desk, Karim deletes the handled request with « # »: it goes to the Trash.
    page.goto(f"{base}/courrier/dossier/{inbox.pk}/")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration préalable de clôture")
    page.keyboard.press("#")
    expect(page.get_by_text("Le message est supprimé.")).to_be_visible()
    assert Message.objects.get(folder__mailbox=urbanisme).folder.special_use == "trash"

    for session in (karim, sophie):
        assert session.problems == [], session.problems
