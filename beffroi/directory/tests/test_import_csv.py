"""`beffroi directory import FILE.csv`: all or nothing, idempotent, every bad line named."""

from __future__ import annotations

import codecs
import io
import re

import pytest
from django.core.management import call_command

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput
from beffroi.directory.actions import do_import_directory
from beffroi.directory.importing import plan_import, read_csv
from beffroi.directory.importing.csv_source import MAX_BYTES, MAX_ROWS
from beffroi.directory.models import Agent, AgentGroup, Department, DepartmentMembership

FRENCH_HEADER = "identifiant,prenom,nom,courriel,service,fonction,telephone,responsable"
ENGLISH_HEADER = "username,first_name,last_name,email,department,job_title,phone,manager"
PROBLEM_LINE = re.compile(r"^ligne (\d+) : ", re.MULTILINE)


def run_import(tmp_path, content: bytes | str, *options: str, name: str = "agents.csv"):
    """Run the command as an administrator would; returns (exit status, stdout, stderr)."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("directory", "import", str(path), *options, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def commune_csv(agents: int = 2000, departments: int = 60, header: str = FRENCH_HEADER) -> str:
    """A commune's export: the first agent of each department heads it and reports to the
    director general (agent 0000); everyone else reports to their department's head."""
    lines = [header]
    for number in range(agents):
        department = number % departments
        head = f"agent{department:04d}"
        manager = "" if number == 0 else ("agent0000" if number < departments else head)
        lines.append(
            f"agent{number:04d},Prénom{number},Nom{number},agent{number:04d}@ville-exemple.fr,"
            f"Service n°{department + 1},Agent territorial,01 23 45 {number % 100:02d} 00,"
            f"{manager}"
        )
    return "\n".join(lines) + "\n"


def problem_lines(stderr: str) -> list[int]:
    return [int(number) for number in PROBLEM_LINE.findall(stderr)]


def test_two_thousand_agents_in_sixty_departments_are_imported(tmp_path, db):
    """A 2,000-agent export creates every agent, its 60 departments and every manager link."""
    status, out, err = run_import(tmp_path, commune_csv())

    assert (status, err) == (0, "")
    assert "agents à créer : 2000" in out
    assert "services à créer : 60" in out
    assert "Import terminé." in out
    assert Agent.objects.count() == 2000
    assert Department.objects.count() == 60
    assert Department.objects.get(name="Service n°1").code == "SERVICE-N-1"
    agent = Agent.objects.get(username="agent0061")
    assert agent.manager.username == "agent0001"
    assert agent.email == "agent0061@ville-exemple.fr"
    assert agent.first_name == "Prénom61"
    assert list(agent.departments.values_list("name", flat=True)) == ["Service n°2"]
    assert Agent.objects.get(username="agent0001").manager.username == "agent0000"
    assert Agent.objects.filter(manager__isnull=False).count() == 1999
    assert not agent.has_usable_password()
    summary = AuditEvent.objects.get(action="directory.import_applied")
    assert summary.details["agents_created"] == 2000
    assert summary.details["departments_created"] == 60
    assert len(summary.details["created"]) == 2000
    assert summary.details["created"][61] == "agent0061"


def test_running_the_same_import_again_changes_nothing_and_says_so(tmp_path, db):
    """The username is the key: a second run of the same file writes nothing at all."""
    content = commune_csv()
    run_import(tmp_path, content)
    events = AuditEvent.objects.count()
    updated = dict(Agent.objects.values_list("username", "updated_at"))

    status, out, err = run_import(tmp_path, content)

    assert (status, err) == (0, "")
    assert "agents inchangés : 2000" in out
    assert "Aucun changement : l'annuaire est déjà à jour." in out
    assert AuditEvent.objects.count() == events
    assert dict(Agent.objects.values_list("username", "updated_at")) == updated


def test_a_file_with_three_bad_rows_imports_nothing_and_names_the_three_lines(tmp_path, db):
    """An invalid address, a repeated username and an unknown manager: exit status 1, each
    line named on standard error, and not one agent or department written."""
    lines = commune_csv().splitlines()
    lines[100] = lines[100].replace("@ville-exemple.fr", "@ville exemple")
    lines[1500] = lines[20]
    lines[1999] = lines[1999].rsplit(",", 1)[0] + ",personne.inconnue"

    status, out, err = run_import(tmp_path, "\n".join(lines) + "\n")

    assert status == 1
    assert problem_lines(err) == [101, 1501, 2000]
    assert "ligne 101 : adresse électronique « agent0099@ville exemple » invalide." in err
    assert "ligne 1501 : identifiant « agent0019 » en double (déjà en ligne 21)." in err
    assert (
        "ligne 2000 : responsable « personne.inconnue » introuvable, "
        "ni dans l'import ni dans l'annuaire." in err
    )
    assert "3 erreurs : rien n'a été importé." in err
    assert "Import terminé." not in out
    assert Agent.objects.count() == 0
    assert Department.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_semicolons_and_windows_1252_as_excel_writes_them(tmp_path, db):
    """Excel's French CSV: semicolons, Windows-1252 accents, CRLF line ends."""
    content = (
        "identifiant;prenom;nom;courriel;service\r\n"
        "lea.hebert;Léa;Hébert;lea.hebert@ville-exemple.fr;État civil\r\n"
        "noel.francois;Noël;François;noel.francois@ville-exemple.fr;État civil\r\n"
    ).encode("cp1252")

    status, _out, err = run_import(tmp_path, content)

    assert (status, err) == (0, "")
    lea = Agent.objects.get(username="lea.hebert")
    assert (lea.first_name, lea.last_name) == ("Léa", "Hébert")
    assert Agent.objects.get(username="noel.francois").first_name == "Noël"
    assert Department.objects.get(code="ETAT-CIVIL").name == "État civil"


def test_utf8_with_a_byte_order_mark_and_english_headers(tmp_path, db):
    """A UTF-8 file starting with a BOM, English column names, comma-separated."""
    content = (
        codecs.BOM_UTF8
        + (
            f"{ENGLISH_HEADER}\n"
            "zoe.mercier,Zoé,Mercier,zoe.mercier@ville-exemple.fr,Urbanisme,Instructrice,0102,\n"
        ).encode()
    )

    status, _out, err = run_import(tmp_path, content)

    assert (status, err) == (0, "")
    zoe = Agent.objects.get(username="zoe.mercier")
    assert (zoe.first_name, zoe.job_title, zoe.phone) == ("Zoé", "Instructrice", "0102")
    assert zoe.departments.get().code == "URBANISME"


def test_french_headers_match_whatever_their_case_and_accents(tmp_path, db):
    """« Prénom », « NOM », « Téléphone », « Courriel » name the same columns as prenom, nom…"""
    content = (
        "Identifiant;Prénom;NOM;Courriel;Téléphone;Fonction\n"
        "agathe.roux;Agathe;Roux;agathe.roux@ville-exemple.fr;0203;Gestionnaire\n"
    )

    status, _out, err = run_import(tmp_path, content)

    assert (status, err) == (0, "")
    agathe = Agent.objects.get(username="agathe.roux")
    assert (agathe.last_name, agathe.phone, agathe.job_title) == ("Roux", "0203", "Gestionnaire")


def test_a_tab_separated_file_is_refused_with_the_reason(tmp_path, db):
    """Tabs are not guessed at: the administrator is told to use commas or semicolons."""
    status, _out, err = run_import(tmp_path, "identifiant\tprenom\tnom\nx\ty\tz\n")

    assert status == 1
    assert err.splitlines()[0] == (
        "ligne 1 : séparateur « tabulation » non pris en charge : séparez les colonnes par "
        "des virgules ou des points-virgules."
    )
    assert not Agent.objects.exists()


def test_a_file_without_a_recognisable_header_is_refused(tmp_path, db):
    """A file whose first line names no known column says what the first line must be."""
    status, _out, err = run_import(tmp_path, "jean,dupont\nmarie,durand\n")

    assert status == 1
    assert err.startswith("ligne 1 : en-tête non reconnu")
    assert not Agent.objects.exists()


def test_missing_required_columns_are_named(tmp_path, db):
    """Without the prenom and nom columns nothing is imported, and both are named."""
    status, _out, err = run_import(tmp_path, "identifiant,courriel\njean,jean@ville-exemple.fr\n")

    assert status == 1
    assert "ligne 1 : colonnes obligatoires manquantes : prenom, nom." in err
    assert not Agent.objects.exists()


def test_an_undecodable_file_names_the_line_of_the_bad_byte(tmp_path, db):
    """A byte that is neither UTF-8 nor Windows-1252 (0x81) is reported on its line."""
    content = b"identifiant,prenom,nom\njean,Jean,Dupont\nmarie,Marie,Dur\x81and\n"

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert (
        "ligne 3 : octet 0x81 illisible : le fichier n'est pas en UTF-8 ni en Windows-1252." in err
    )
    assert not Agent.objects.exists()


def test_a_utf16_export_is_refused_with_the_way_out(tmp_path, db):
    """Excel's « Unicode text » (UTF-16) is refused with the format to choose instead."""
    content = codecs.BOM_UTF16_LE + "identifiant,prenom,nom\n".encode("utf-16-le")

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert "fichier : encodage UTF-16 non pris en charge" in err


def test_duplicate_usernames_are_reported_whatever_their_case(tmp_path, db):
    """« Jean.Dupont » and « jean.dupont » are the same account: the second line is named."""
    content = "identifiant,prenom,nom\nJean.Dupont,Jean,Dupont\njean.dupont,Jean,Dupont\n"

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert "ligne 3 : identifiant « jean.dupont » en double (déjà en ligne 2)." in err
    assert not Agent.objects.exists()


def test_invalid_usernames_and_addresses_are_reported_on_their_lines(tmp_path, db):
    """A username with a space and an address without a domain: both lines named."""
    content = (
        "identifiant,prenom,nom,courriel\n"
        "jean dupont,Jean,Dupont,jean@ville-exemple.fr\n"
        "marie,Marie,Durand,marie@\n"
        ",Sans,Identifiant,\n"
    )

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert problem_lines(err) == [2, 3, 4]
    assert "ligne 3 : adresse électronique « marie@ » invalide." in err
    assert "ligne 4 : identifiant manquant." in err


def test_a_bad_row_is_reported_once_not_on_its_reports_lines(tmp_path, db):
    """The head's address is invalid: only the head's line is named, not each line of the
    agents who report to them."""
    content = (
        "identifiant,prenom,nom,courriel,responsable\n"
        "chef,Chef,Chef,chef@,\n"
        "a,A,A,a@ville-exemple.fr,chef\n"
        "b,B,B,b@ville-exemple.fr,chef\n"
    )

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert problem_lines(err) == [2]


def test_a_manager_loop_names_every_line_in_it(tmp_path, db):
    """a → b → c → a: each of the three lines is reported with the loop."""
    content = "identifiant,prenom,nom,responsable\na,A,A,b\nb,B,B,c\nc,C,C,a\nd,D,D,a\n"

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert problem_lines(err) == [2, 3, 4]
    assert "ligne 2 : boucle de responsables : a → b → c → a." in err
    assert not Agent.objects.exists()


def test_a_loop_through_the_directory_is_found_too(tmp_path, agent_voirie, agent_finances):
    """The file makes agent.voirie report to agent.finances, who already reports to
    agent.voirie in the directory: a loop, so nothing changes."""
    agent_finances.manager = agent_voirie
    agent_finances.save()

    status, _out, err = run_import(
        tmp_path, "identifiant,prenom,nom,responsable\nagent.voirie,Karim,Benali,agent.finances\n"
    )

    assert status == 1
    assert "ligne 2 : boucle de responsables : agent.voirie → agent.finances" in err
    agent_voirie.refresh_from_db()
    assert agent_voirie.manager is None


def test_a_manager_already_in_the_directory_is_accepted(tmp_path, chef_services_techniques):
    """A manager absent from the file but present in the directory is linked."""
    status, _out, err = run_import(
        tmp_path, "identifiant,prenom,nom,responsable\nnina.petit,Nina,Petit,Chef.Techniques\n"
    )

    assert (status, err) == (0, "")
    assert Agent.objects.get(username="nina.petit").manager == chef_services_techniques


def test_a_row_with_too_many_values_is_reported(tmp_path, db):
    """A line with an unquoted comma in a name has one value too many."""
    content = "identifiant,prenom,nom\njean,Jean,Dupont, fils\nmarie,Marie\n"

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert "ligne 2 : 4 valeurs pour 3 colonnes." in err
    assert "ligne 3 : 2 valeurs pour 3 colonnes." in err


def test_a_file_over_the_size_limit_is_refused_before_reading_it(tmp_path, db):
    """More than 20 MB: one clear error, nothing decoded."""
    content = b"identifiant,prenom,nom\n" + b"x" * MAX_BYTES

    status, _out, err = run_import(tmp_path, content)

    assert status == 1
    assert err.splitlines()[0] == "fichier : fichier trop volumineux : 20 Mo au plus."


def test_a_file_over_the_row_limit_is_refused(tmp_path, db):
    """Past 100,000 agents the import stops and names the first line over the limit."""
    rows = "".join(f"a{n},P,N\n" for n in range(MAX_ROWS + 1))

    status, _out, err = run_import(tmp_path, "identifiant,prenom,nom\n" + rows)

    assert status == 1
    assert f"ligne {MAX_ROWS + 2} : trop de lignes : 100\u202f000 agents au plus par import." in err
    assert not Agent.objects.exists()


def test_departments_are_found_by_code_or_name_and_created_when_missing(tmp_path, voirie, finances):
    """« voirie » (a code), « FINANCES » and « Police municipale » (a new department)."""
    content = (
        "identifiant,prenom,nom,service\n"
        "a,A,A,voirie\n"
        "b,B,B,Finances\n"
        "c,C,C,Police municipale\n"
        "d,D,D,police MUNICIPALE\n"
    )

    status, out, err = run_import(tmp_path, content)

    assert (status, err) == (0, "")
    assert "services à créer : 1" in out
    assert Agent.objects.get(username="a").departments.get() == voirie
    assert Agent.objects.get(username="b").departments.get() == finances
    police = Department.objects.get(code="POLICE-MUNICIPALE")
    assert police.name == "Police municipale"
    assert set(police.agents.values_list("username", flat=True)) == {"c", "d"}


def test_a_new_department_code_never_collides(tmp_path, db):
    """A department named like an existing code gets a numbered code."""
    Department.objects.create(code="URBANISME", name="Pôle aménagement")

    status, _out, _err = run_import(
        tmp_path, "identifiant,prenom,nom,service\na,A,A,Urbanisme\nb,B,B,Urbanisme !\n"
    )

    assert status == 0
    assert Agent.objects.get(username="a").departments.get().code == "URBANISME"
    assert Agent.objects.get(username="b").departments.get().code == "URBANISME-2"


def test_an_existing_agent_is_updated_only_where_the_file_says(tmp_path, agent_voirie, finances):
    """The username matches without case; a changed phone and department are written, a
    column the file does not have (fonction) is left alone."""
    status, out, err = run_import(
        tmp_path,
        "identifiant,prenom,nom,telephone,service\nAgent.Voirie,Karim,Benali,0607,FINANCES\n",
    )

    assert (status, err) == (0, "")
    assert "agents à mettre à jour : 1" in out
    agent_voirie.refresh_from_db()
    assert (agent_voirie.phone, agent_voirie.job_title) == ("0607", "Agent de voirie")
    assert list(agent_voirie.departments.all()) == [finances]
    assert agent_voirie.has_usable_password()
    event = AuditEvent.objects.get(action="directory.import_applied")
    assert event.details["updated"] == {"agent.voirie": ["departments", "phone"]}


def test_dry_run_prints_the_report_and_writes_nothing(tmp_path, db):
    """--dry-run shows what would change and leaves the directory as it was."""
    status, out, err = run_import(
        tmp_path, "identifiant,prenom,nom,service\na,A,A,Voirie\n", "--dry-run"
    )

    assert (status, err) == (0, "")
    assert "agents à créer : 1" in out
    assert "services à créer : 1" in out
    assert "Simulation : rien n'a été enregistré." in out
    assert not Agent.objects.exists()
    assert not Department.objects.exists()


def test_missing_agents_stay_active_unless_asked(tmp_path, agent_voirie, agent_finances):
    """Without --suspend-missing an agent absent from the file is left alone."""
    status, _out, _err = run_import(tmp_path, "identifiant,prenom,nom\nagent.voirie,Karim,Benali\n")

    assert status == 0
    agent_finances.refresh_from_db()
    assert agent_finances.status == Agent.Status.ACTIVE


def test_suspend_missing_spares_administrators_and_guests(
    tmp_path, maire, agent_voirie, agent_finances, invite_externe
):
    """--suspend-missing suspends agent.finances, absent from the file; the administrator
    and the guest, whom no directory source manages, stay active."""
    status, out, _err = run_import(
        tmp_path, "identifiant,prenom,nom\nagent.voirie,Karim,Benali\n", "--suspend-missing"
    )

    assert status == 0
    assert "à suspendre : agent.finances" in out
    assert Agent.objects.get(pk=agent_finances.pk).status == Agent.Status.SUSPENDED
    for spared in (maire, agent_voirie, invite_externe):
        assert Agent.objects.get(pk=spared.pk).status == Agent.Status.ACTIVE
    assert AuditEvent.objects.filter(
        action="directory.status_changed", target_id=str(agent_finances.pk)
    ).exists()


def test_suspend_missing_with_an_empty_file_is_refused(tmp_path, agent_finances):
    """A file with a header and no agent cannot suspend the whole commune."""
    status, _out, err = run_import(tmp_path, "identifiant,prenom,nom\n", "--suspend-missing")

    assert status == 1
    assert "aucun agent dans la source : la suspension des absents est refusée." in err
    agent_finances.refresh_from_db()
    assert agent_finances.status == Agent.Status.ACTIVE


def test_a_suspended_agent_in_the_file_is_not_reactivated(tmp_path, agent_voirie):
    """Reactivating is the administrator's decision; the report says the import left it."""
    agent_voirie.status = Agent.Status.SUSPENDED
    agent_voirie.save()

    status, out, _err = run_import(tmp_path, "identifiant,prenom,nom\nagent.voirie,Karim,Benali\n")

    assert status == 0
    assert "Remarque : ligne 2 : agent.voirie n'est pas actif ; l'import ne le réactive pas." in out
    agent_voirie.refresh_from_db()
    assert agent_voirie.status == Agent.Status.SUSPENDED


def test_optional_columns_set_groups_kind_and_department_managers(tmp_path, db):
    """groupes, categorie and responsable_du_service: « Élus » gathers the elected officials,
    the head of Voirie manages it."""
    content = (
        "identifiant;prenom;nom;service;categorie;responsable_du_service;groupes\n"
        "maire;Claire;Dubois;Cabinet du maire;élu;non;Élus|Cellule de crise\n"
        "chef.voirie;Marc;Henry;Voirie;agent;oui;Cellule de crise\n"
        "karim;Karim;Benali;Voirie;;;\n"
    )

    status, _out, err = run_import(tmp_path, content)

    assert (status, err) == (0, "")
    assert Agent.objects.get(username="maire").kind == Agent.Kind.ELECTED
    assert DepartmentMembership.objects.get(agent__username="chef.voirie").is_manager
    assert not DepartmentMembership.objects.get(agent__username="karim").is_manager
    elus = AgentGroup.objects.get(name="Élus")
    assert list(elus.members.values_list("username", flat=True)) == ["maire"]
    crise = AgentGroup.objects.get(name="Cellule de crise")
    assert set(crise.members.values_list("username", flat=True)) == {"maire", "chef.voirie"}


def test_group_members_unknown_to_the_file_are_kept(tmp_path, agent_voirie, agent_finances):
    """The file speaks for its own agents: a member it does not list is left in the group."""
    crise = AgentGroup.objects.create(name="Cellule de crise")
    crise.members.add(agent_finances)

    status, _out, _err = run_import(
        tmp_path, "identifiant,prenom,nom,groupes\nagent.voirie,Karim,Benali,cellule de crise\n"
    )

    assert status == 0
    assert set(crise.members.values_list("username", flat=True)) == {
        "agent.voirie",
        "agent.finances",
    }


def test_unknown_columns_are_ignored_and_mentioned(tmp_path, db):
    """A « matricule » column does no harm; the report says it was ignored."""
    status, out, _err = run_import(tmp_path, "identifiant,prenom,nom,matricule\na,A,A,42\n")

    assert status == 0
    assert "Remarque : ligne 1 : colonne « matricule » inconnue, ignorée." in out
    assert Agent.objects.filter(username="a").exists()


def test_a_plan_with_problems_is_never_applied(db):
    """The action itself refuses a plan with problems, whoever calls it."""
    plan = plan_import(read_csv(b"identifiant,prenom,nom\nbad name,A,B\n", label="x.csv"))

    with pytest.raises(InvalidInput) as refused:
        do_import_directory(plan, acting=None)

    assert refused.value.fields["lignes"] == [
        "ligne 2 : identifiant « bad name » invalide : lettres, chiffres et . @ + - _ seulement."
    ]
    assert not Agent.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path, db):
    """A path that does not exist: status 1 and the path named."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command("directory", "import", str(tmp_path / "absent.csv"), stdout=out, stderr=err)

    assert stop.value.code == 1
    assert err.getvalue() == f"Fichier introuvable : {tmp_path / 'absent.csv'}.\n"
