"""The administration console in Chromium: an administrator creates a department and an agent
with the keyboard and mouse, and every console page passes axe-core on a desktop and a phone."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from beffroi.directory.models import Agent, Department, Organisation
from beffroi.web.tests.browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    open_context,
    screenshot,
    sign_in_with_keyboard,
)

pytestmark = pytest.mark.browser


def create_department_and_agent(page: Page, base: str) -> str:
    """Through the console: create « Espaces verts » under Services techniques, then an agent
    in it. Returns the temporary password the console shows once."""
    page.goto(f"{base}/console/services/nouveau/")
    page.get_by_label("Nom").fill("Espaces verts")
    page.get_by_label("Code").fill("ESPACES-VERTS")
    page.get_by_label("Service parent").select_option(label="Services techniques (TECHNIQUES)")
    page.get_by_role("button", name="Créer le service").click()
    expect(page.get_by_role("status").filter(has_text="Espaces verts")).to_contain_text(
        "Espaces verts"
    )

    page.goto(f"{base}/console/agents/nouveau/")
    page.get_by_label("Identifiant", exact=True).fill("nadia.roux")
    page.get_by_label("Prénom").fill("Nadia")
    page.get_by_label("Nom", exact=True).fill("Roux")
    page.get_by_label("Adresse électronique").fill("nadia.roux@ville-exemple.fr")
    page.get_by_label("Fonction").fill("Jardinière")
    page.get_by_label("Espaces verts (ESPACES-VERTS)").check()
    page.get_by_role("button", name="Créer l'agent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent créé")
    return page.locator("#mot-de-passe-provisoire").inner_text()


def test_an_administrator_creates_a_department_and_an_agent(
    live_server, desktop, maire, services_techniques
):
    page, problems = desktop
    page.goto(f"{live_server.url}/connexion/")
    sign_in_with_keyboard(page, maire)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Administration"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    assert_styled(page)
    screenshot(page, "console-1-accueil")
    assert_accessible(page)

    password = create_department_and_agent(page, live_server.url)

    screenshot(page, "console-2-agent-cree")
    assert_accessible(page)
    agent = Agent.objects.get(username="nadia.roux")
    assert agent.check_password(password)
    assert agent.must_change_password
    assert agent.departments.get() == Department.objects.get(code="ESPACES-VERTS")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_console_page_passes_axe(
    request, live_server, viewport, maire, agent_voirie, agent_finances
):
    """Overview, agents, an agent's page, new agent, departments, a department, groups,
    organisation: no serious or critical violation, nothing wider than the screen."""
    page, problems = request.getfixturevalue(viewport)
    page.goto(f"{live_server.url}/connexion/")
    sign_in_with_keyboard(page, maire)
    department = Department.objects.get(code="VOIRIE")
    pages = {
        "accueil": "/console/",
        "agents": "/console/agents/",
        "agent": f"/console/agents/{agent_voirie.pk}/",
        "nouvel-agent": "/console/agents/nouveau/",
        "services": "/console/services/",
        "service": f"/console/services/{department.pk}/",
        "groupes": "/console/groupes/",
        "organisation": "/console/organisation/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, f"console-{viewport}-{name}")
        assert_accessible(page)
        assert_fits_width(page)
    # A form in its error state too.
    page.goto(f"{live_server.url}/console/agents/nouveau/")
    page.get_by_role("button", name="Créer l'agent").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert re.match(r"^Erreur", page.title())
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_the_full_journey_from_the_console_to_a_second_factor(
    live_server, browser, maire, services_techniques
):
    """The issue's scripted journey: the administrator creates a department and an agent; the
    agent signs in with the temporary password, must choose their own, is made to enrol an
    authenticator app (the organisation requires one of agents), signs out and back in with a
    code. Two browser contexts stand for the two people; screenshots at each step."""
    organisation = Organisation.current()
    organisation.second_factor_roles = ["agent"]
    organisation.save()
    admin_context, admin, admin_problems = open_context(browser, DESKTOP, bypass_csp=False)
    admin.goto(f"{live_server.url}/connexion/")
    sign_in_with_keyboard(admin, maire)
    temporary = create_department_and_agent(admin, live_server.url)
    screenshot(admin, "parcours-1-agent-cree")
    admin_context.close()

    context, page, problems = open_context(browser, PHONE, bypass_csp=False)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("nadia.roux")
    page.get_by_label("Mot de passe").fill(temporary)
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer de mot de passe")
    screenshot(page, "parcours-2-changer-mot-de-passe")
    assert_accessible(page)
    page.get_by_label("Mot de passe actuel").fill(temporary)
    page.get_by_role("textbox", name="Nouveau mot de passe", exact=True).fill(
        "Tilleul-Fontaine-Marché-1789"
    )
    page.get_by_role("textbox", name="Nouveau mot de passe, à nouveau").fill(
        "Tilleul-Fontaine-Marché-1789"
    )
    page.get_by_role("button", name="Changer de mot de passe").click()

    expect(page).to_have_url(f"{live_server.url}/compte/2fa/totp/activate/")
    screenshot(page, "parcours-3-activer-second-facteur")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code affiché par l'application").fill(_current_code(secret))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status").filter(has_text="Vous êtes déconnecté.")).to_contain_text(
        "Vous êtes déconnecté."
    )

    page.get_by_label("Identifiant").fill("nadia.roux")
    page.get_by_label("Mot de passe").fill("Tilleul-Fontaine-Marché-1789")
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second facteur")
    screenshot(page, "parcours-4-code-demande")
    page.get_by_label("Code à usage unique").fill(_current_code(secret))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
    screenshot(page, "parcours-5-accueil")
    agent = Agent.objects.get(username="nadia.roux")
    assert not agent.must_change_password
    assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()
    assert not problems + admin_problems, "\n".join(problems + admin_problems)
    context.close()
