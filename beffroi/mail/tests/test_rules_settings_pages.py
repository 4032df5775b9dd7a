"""The settings page /courrier/reglages/: the out-of-office form, rules added, reordered with
buttons and deleted, a shared mailbox's reply set by a send-as delegate, moderation; and in
Chromium (keyboard only, desktop and phone) with axe-core finding nothing serious."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from beffroi.mail.actions import do_create_shared_mailbox, do_deliver, do_grant_delegation
from beffroi.mail.actions.lists import NewList, do_create_list
from beffroi.mail.models import DeliveryRule, Folder, HeldMessage, Mailbox, Message, OutOfOffice
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

PAGE = "/courrier/reglages/"


def client_for(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.mark.django_db
def test_the_page_is_in_french_for_the_holder(domain, agent_voirie):
    answer = client_for(agent_voirie).get(PAGE)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Réponse d'absence" in text
    assert "Règles de distribution" in text
    assert reverse("mail:settings-index") == PAGE


@pytest.mark.django_db
def test_the_out_of_office_form_saves_and_reports_errors(domain, agent_voirie):
    """A valid form is saved; an end before the start is shown as an error, nothing saved."""
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    url = reverse("mail:settings-out-of-office", args=[mailbox.pk])
    client = client_for(agent_voirie)
    wrong = client.post(
        url,
        {
            "enabled": "on",
            "subject": "Absent",
            "text": "En congés.",
            "starts_on": "2026-12-20",
            "ends_on": "2026-12-10",
            "period_days": "4",
        },
    )
    assert wrong.status_code == 400
    assert "La date de fin précède la date de début." in wrong.content.decode()
    assert not OutOfOffice.objects.exists()
    saved = client.post(
        url,
        {
            "enabled": "on",
            "subject": "Absent",
            "text": "En congés.",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-20",
            "period_days": "4",
        },
    )
    assert saved.status_code == 302
    away = OutOfOffice.objects.get(mailbox=mailbox)
    assert (away.enabled, away.subject, str(away.ends_on)) == (True, "Absent", "2026-12-20")


@pytest.mark.django_db
def test_rules_are_added_reordered_and_deleted_with_buttons(domain, agent_voirie):
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    archives = Folder.objects.get(mailbox=mailbox, special_use="archive")
    client = client_for(agent_voirie)
    add = reverse("mail:settings-add-rule", args=[mailbox.pk])
    for name in ("Première", "Seconde"):
        answer = client.post(
            add, {"name": name, "subject_contains": name.lower(), "folder": str(archives.pk)}
        )
        assert answer.status_code == 302
    refused = client.post(add, {"name": "Sans condition", "stop": "on"})
    assert refused.status_code == 400
    assert "Donnez au moins une condition." in refused.content.decode()
    second = DeliveryRule.objects.get(name="Seconde")
    move = reverse("mail:settings-change-rule", args=[mailbox.pk, second.pk, "monter"])
    assert client.post(move).status_code == 302
    names = list(DeliveryRule.objects.order_by("position").values_list("name", flat=True))
    assert names == ["Seconde", "Première"]
    delete = reverse("mail:settings-change-rule", args=[mailbox.pk, second.pk, "supprimer"])
    assert client.post(delete).status_code == 302
    assert list(DeliveryRule.objects.values_list("name", flat=True)) == ["Première"]


@pytest.mark.django_db
def test_another_agents_mailbox_is_not_found(domain, agent_voirie, elu):
    """Someone else's mailbox or rule: 404, nothing changed."""
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    client = client_for(agent_voirie)
    client.post(
        reverse("mail:settings-add-rule", args=[mailbox.pk]),
        {"name": "A", "subject_contains": "a", "stop": "on"},
    )
    rule = DeliveryRule.objects.get()
    intruder = client_for(elu)
    assert intruder.get(f"{PAGE}?boite={mailbox.pk}").status_code == 404
    delete = reverse("mail:settings-change-rule", args=[mailbox.pk, rule.pk, "supprimer"])
    assert intruder.post(delete).status_code == 404
    out = reverse("mail:settings-out-of-office", args=[mailbox.pk])
    assert intruder.post(out, {"subject": "x", "text": "x", "period_days": "4"}).status_code == 404
    assert DeliveryRule.objects.count() == 1


@pytest.mark.django_db
def test_a_send_as_delegate_sets_the_shared_reply_but_no_rules(domain, agent_voirie, maire):
    shared = do_create_shared_mailbox("urbanisme@ville-exemple.fr", "Urbanisme", acting=maire)
    do_grant_delegation(shared, agent_voirie, read=True, send_as=True, acting=maire)
    client = client_for(agent_voirie)
    page = client.get(f"{PAGE}?boite={shared.pk}")
    assert page.status_code == 200
    assert "Nouvelle règle" not in page.content.decode()
    answer = client.post(
        reverse("mail:settings-out-of-office", args=[shared.pk]),
        {"enabled": "on", "subject": "Fermé", "text": "Réouverture lundi.", "period_days": "2"},
    )
    assert answer.status_code == 302
    assert OutOfOffice.objects.get(mailbox=shared).period_days == 2
    rule = client.post(
        reverse("mail:settings-add-rule", args=[shared.pk]),
        {"name": "x", "subject_contains": "x", "stop": "on"},
    )
    assert rule.status_code == 404


@pytest.mark.django_db
def test_the_moderator_decides_on_the_page(domain, finances, agent_finances, elu):
    do_create_list(
        NewList(
            address="finances@ville-exemple.fr",
            name="Finances",
            department=finances,
            moderated=True,
            moderator=agent_finances,
        )
    )
    do_deliver(message(subject="Subvention"), "elu@ville-exemple.fr", ["finances@ville-exemple.fr"])
    held = HeldMessage.objects.get()
    assert "Subvention" not in client_for(elu).get(PAGE).content.decode()
    url = reverse("mail:settings-moderate", args=[held.pk, "accepter"])
    assert client_for(elu).post(url).status_code == 404
    page = client_for(agent_finances).get(PAGE).content.decode()
    assert "Subvention" in page
    assert client_for(agent_finances).post(url).status_code == 302
    assert Message.objects.filter(subject="Subvention").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_page_with_the_keyboard_in_chromium(
    browser,  # noqa: F811
    asgi_live_server,  # noqa: F811
    domain,
    agent_voirie,
    voirie,
    viewport,
):
    """Out-of-office set and a rule added with the keyboard alone, a held list message shown
    to its moderator; axe-core clean; on a phone nothing overflows the width."""
    do_create_list(
        NewList(
            address="voirie@ville-exemple.fr",
            name="Voirie",
            department=voirie,
            moderated=True,
            moderator=agent_voirie,
        )
    )
    do_deliver(message(subject="Nid-de-poule"), "elu@ville-exemple.fr", ["voirie@ville-exemple.fr"])
    for page, problems in signed_in_page(browser, viewport, asgi_live_server, agent_voirie):
        page.goto(asgi_live_server + PAGE)
        assert_styled(page)
        assert_accessible(page)
        page.get_by_label("Réponse d'absence activée").focus()
        page.keyboard.press("Space")
        page.get_by_label("Objet", exact=True).focus()
        page.keyboard.type("Absent jusqu'au 15 décembre")
        page.get_by_label("Message", exact=True).focus()
        page.keyboard.type("Je suis en congés.")
        page.get_by_role("button", name="Enregistrer la réponse d'absence").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Réponse d'absence enregistrée.")).to_be_visible()
        page.get_by_label("Nom de la règle").focus()
        page.keyboard.type("Chantiers")
        page.get_by_label("L'objet contient").focus()
        page.keyboard.type("chantier")
        page.get_by_label("Marquer comme lu").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Ajouter la règle").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Règle ajoutée.")).to_be_visible()
        expect(page.get_by_role("button", name="Supprimer « Chantiers »")).to_be_visible()
        expect(page.get_by_role("button", name="Accepter « Nid-de-poule »")).to_be_visible()
        screenshot(page, f"reglages-courrier-{'telephone' if viewport == PHONE else 'bureau'}")
        assert_accessible(page)
        if viewport == PHONE:
            assert_fits_width(page)
        assert problems == []
    assert OutOfOffice.objects.get().enabled
    assert DeliveryRule.objects.get().mark_read
