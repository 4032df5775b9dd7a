"""Console: upload a CSV, read the dry-run report, confirm to import (administrators only)."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from beffroi.audit.models import AuditEvent
from beffroi.directory.models import Agent, Department
from beffroi.directory.web.import_views import FOLDER, SESSION_KEY
from beffroi.web.tests.browser import (  # noqa: F401 - fixtures
    assert_accessible,
    assert_fits_width,
    browser,
    desktop,
    phone,
    screenshot,
    sign_in_with_keyboard,
)

IMPORT = "/console/import/"
CONFIRM = "/console/import/confirmer/"
CANCEL = "/console/import/abandonner/"
REFERENCE = re.compile(r'name="reference" value="([^"]+)"')
GOOD = (
    "identifiant;prénom;nom;courriel;service;responsable\n"
    "nina.petit;Nina;Petit;nina.petit@ville-exemple.fr;Police municipale;\n"
    "hugo.lefevre;Hugo;Lefèvre;hugo.lefevre@ville-exemple.fr;Police municipale;nina.petit\n"
)
BAD = (
    "identifiant,prenom,nom,courriel,responsable\n"
    "nina.petit,Nina,Petit,nina.petit@,\n"
    "hugo.lefevre,Hugo,Lefèvre,hugo.lefevre@ville-exemple.fr,inconnu\n"
    "nina.petit,Nina,Petit,,\n"
)


def upload(client, content: str, *, name: str = "agents.csv", suspend_missing: bool = False):
    data = {"file": SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")}
    if suspend_missing:
        data["suspend_missing"] = "on"
    return client.post(IMPORT, data)


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def kept_files() -> list[str]:
    try:
        return default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return []


def test_the_url_names_live_in_the_console_namespace():
    """Other pages link to the import as console:import."""
    assert reverse("console:import") == IMPORT
    assert reverse("console:import_confirm") == CONFIRM


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(IMPORT)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("who", ["agent_voirie", "chef_services_techniques", "invite_externe"])
def test_only_administrators_see_the_import(client, request, who):
    """Agents, department managers and guests get the ordinary « page not found »."""
    client.force_login(request.getfixturevalue(who))

    assert client.get(IMPORT).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert not Agent.objects.filter(username="nina.petit").exists()


def test_the_upload_page_explains_the_file(client, maire):
    client.force_login(maire)

    response = client.get(IMPORT)

    assert response.status_code == 200
    page = page_of(response)
    assert "<h1>Importer l'annuaire</h1>" in page
    assert 'enctype="multipart/form-data"' in page
    assert '<label class="field__label" for="id_file">Fichier CSV des agents</label>' in page


def test_an_upload_shows_the_report_and_writes_nothing(client, maire):
    """The first step is a dry run: counts, a confirmation button, and no agent yet."""
    client.force_login(maire)

    response = upload(client, GOOD)

    assert response.status_code == 200
    page = page_of(response)
    assert "agents à créer : 2" in page
    assert "services à créer : 1" in page
    assert REFERENCE.search(page) is not None
    assert not Agent.objects.filter(username__in=["nina.petit", "hugo.lefevre"]).exists()
    assert not Department.objects.exists()
    assert len(kept_files()) == 1


def test_confirming_imports_the_kept_file_and_records_it(client, maire):
    """The confirmation applies the file kept on the server, once, with an audit event that
    names the administrator and their address."""
    client.force_login(maire)
    reference = REFERENCE.search(page_of(upload(client, GOOD))).group(1)

    response = client.post(CONFIRM, {"reference": reference}, follow=True)

    assert response.redirect_chain == [(IMPORT, 302)]
    assert "Import de « agents.csv » terminé : 2 agents créés, 0 mis à jour, 0 suspendus." in (
        page_of(response)
    )
    hugo = Agent.objects.get(username="hugo.lefevre")
    assert (hugo.last_name, hugo.manager.username) == ("Lefèvre", "nina.petit")
    assert hugo.departments.get().name == "Police municipale"
    event = AuditEvent.objects.get(action="directory.import_applied")
    assert (event.actor_id, event.address) == (maire.pk, "127.0.0.1")
    assert event.details["agents_created"] == 2
    assert kept_files() == []
    assert SESSION_KEY not in client.session


def test_a_reference_cannot_be_used_twice(client, maire):
    """Once applied, the same confirmation does nothing more."""
    client.force_login(maire)
    reference = REFERENCE.search(page_of(upload(client, GOOD))).group(1)
    client.post(CONFIRM, {"reference": reference})

    response = client.post(CONFIRM, {"reference": reference}, follow=True)

    assert "Ce rapport n'est plus valable" in page_of(response)
    assert AuditEvent.objects.filter(action="directory.import_applied").count() == 1


def test_a_file_with_bad_rows_lists_every_line_and_offers_no_import(client, maire):
    """Each bad line is named; there is no confirmation button and nothing is kept."""
    client.force_login(maire)

    response = upload(client, BAD)

    assert response.status_code == 200
    page = page_of(response)
    assert "3 erreurs : rien n'a été importé." in page
    assert "<li>ligne 2 : adresse électronique « nina.petit@ » invalide.</li>" in page
    assert (
        "<li>ligne 3 : responsable « inconnu » introuvable, ni dans l'import ni dans "
        "l'annuaire.</li>" in page
    )
    assert "<li>ligne 4 : identifiant « nina.petit » en double (déjà en ligne 2).</li>" in page
    assert REFERENCE.search(page) is None
    assert 'id="id_file"' in page
    assert kept_files() == []
    assert not Agent.objects.filter(username="nina.petit").exists()


def test_a_forged_reference_imports_nothing(client, maire):
    """A reference that the server did not sign is refused."""
    client.force_login(maire)
    upload(client, GOOD)

    response = client.post(CONFIRM, {"reference": "nimporte-quoi"}, follow=True)

    assert "Ce rapport n'est plus valable" in page_of(response)
    assert not Agent.objects.filter(username="nina.petit").exists()


def test_a_reference_from_another_session_imports_nothing(client, maire, django_user_model):
    """The kept file belongs to the session that uploaded it."""
    other = django_user_model.objects.create_user(username="second.admin", is_superuser=True)
    client.force_login(maire)
    reference = REFERENCE.search(page_of(upload(client, GOOD))).group(1)
    client.logout()
    client.force_login(other)

    response = client.post(CONFIRM, {"reference": reference}, follow=True)

    assert "Ce rapport n'est plus valable" in page_of(response)
    assert not Agent.objects.filter(username="nina.petit").exists()


def test_an_older_report_cannot_apply_a_newer_upload(client, maire):
    """Two uploads in two tabs: the first report's button no longer applies anything."""
    client.force_login(maire)
    first = REFERENCE.search(page_of(upload(client, GOOD))).group(1)
    upload(client, "identifiant,prenom,nom\nautre.agent,Autre,Agent\n")

    response = client.post(CONFIRM, {"reference": first}, follow=True)

    assert "Ce rapport n'est plus valable" in page_of(response)
    assert not Agent.objects.filter(username__in=["nina.petit", "autre.agent"]).exists()
    assert len(kept_files()) == 1


def test_the_same_file_again_changes_nothing(client, maire):
    """After an import, the same file reports that the directory is up to date."""
    client.force_login(maire)
    client.post(CONFIRM, {"reference": REFERENCE.search(page_of(upload(client, GOOD))).group(1)})

    page = page_of(upload(client, GOOD))

    assert "Aucun changement : l'annuaire est déjà à jour." in page
    assert "agents inchangés : 2" in page
    assert REFERENCE.search(page) is None


def test_suspend_missing_is_listed_then_applied(client, maire, agent_finances):
    """With the box ticked the report names who will be suspended; the administrator
    importing is never among them."""
    client.force_login(maire)

    page = page_of(upload(client, GOOD, suspend_missing=True))

    assert "<li>agent.finances</li>" in page
    assert "<li>maire</li>" not in page
    client.post(CONFIRM, {"reference": REFERENCE.search(page).group(1)})
    agent_finances.refresh_from_db()
    maire.refresh_from_db()
    assert agent_finances.status == Agent.Status.SUSPENDED
    assert maire.status == Agent.Status.ACTIVE


def test_cancelling_forgets_the_kept_file(client, maire):
    client.force_login(maire)
    upload(client, GOOD)

    response = client.post(CANCEL, follow=True)

    assert "Import abandonné : rien n'a été enregistré." in page_of(response)
    assert kept_files() == []
    assert SESSION_KEY not in client.session


def test_a_file_over_the_size_limit_is_refused_at_the_form(client, maire, monkeypatch):
    """The form refuses a file over the limit before reading it."""
    monkeypatch.setattr("beffroi.directory.web.import_views.MAX_BYTES", 100)
    client.force_login(maire)

    response = upload(client, GOOD)

    assert response.status_code == 200
    assert "Fichier trop volumineux" in page_of(response)
    assert kept_files() == []


def test_confirming_re_reads_the_directory(client, maire):
    """Between the report and the confirmation someone created nina.petit: the import
    plans again and updates her instead of failing halfway."""
    client.force_login(maire)
    reference = REFERENCE.search(page_of(upload(client, GOOD))).group(1)
    Agent.objects.create(username="nina.petit", first_name="Nina", last_name="Ancien")

    client.post(CONFIRM, {"reference": reference})

    nina = Agent.objects.get(username="nina.petit")
    assert nina.last_name == "Petit"
    assert Agent.objects.get(username="hugo.lefevre").manager == nina


def test_a_report_that_no_longer_holds_shows_the_new_problems(client, maire, agent_voirie):
    """The manager named by the file was removed between the report and the confirmation:
    the confirmation shows the problem and imports nothing."""
    client.force_login(maire)
    content = "identifiant,prenom,nom,responsable\nnina.petit,Nina,Petit,agent.voirie\n"
    reference = REFERENCE.search(page_of(upload(client, content))).group(1)
    agent_voirie.delete()

    response = client.post(CONFIRM, {"reference": reference})

    assert response.status_code == 200
    assert (
        "ligne 2 : responsable « agent.voirie » introuvable, ni dans l'import ni dans "
        "l'annuaire." in page_of(response)
    )
    assert not Agent.objects.filter(username="nina.petit").exists()
    assert kept_files() == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_import_in_chromium(request, live_server, viewport, maire, tmp_path):
    """With the keyboard: choose a file, read the report, confirm; then a file with errors.
    Every step passes axe-core and fits the screen."""
    page, problems = request.getfixturevalue(viewport)
    good = tmp_path / "agents.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "erreurs.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.goto(f"{live_server.url}/connexion/")
    sign_in_with_keyboard(page, maire)

    page.goto(f"{live_server.url}{IMPORT}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer l'annuaire")
    assert_accessible(page)
    page.get_by_label("Fichier CSV des agents").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport d'import")
    expect(page.get_by_text("agents à créer : 2")).to_be_visible()
    screenshot(page, f"import-{viewport}-1-rapport")
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_role("button", name="Importer", exact=True).press("Enter")
    expect(page.get_by_role("status").filter(has_text="2 agents créés")).to_contain_text(
        "2 agents créés"
    )
    screenshot(page, f"import-{viewport}-2-termine")
    assert Agent.objects.filter(username__in=["nina.petit", "hugo.lefevre"]).count() == 2

    page.get_by_label("Fichier CSV des agents").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("3 erreurs : rien n'a été importé.")
    assert page.title().startswith("Erreur")
    screenshot(page, f"import-{viewport}-3-erreurs")
    assert_accessible(page)
    assert_fits_width(page)
    assert not problems, "\n".join(problems)
