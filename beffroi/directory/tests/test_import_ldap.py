"""`beffroi directory import --ldap`: against a real OpenLDAP server (Debian's slapd), started
for these tests on loopback with 1,200 agents and a size limit of 500 per search, so that the
import can only succeed by reading pages."""

from __future__ import annotations

import datetime
import io
import ipaddress
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import ldap3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from beffroi.audit.models import AuditEvent
from beffroi.directory.models import Agent, AgentGroup, Department

SUFFIX = "dc=ville-exemple,dc=fr"
ROOT_DN = f"cn=admin,{SUFFIX}"
BIND_DN = f"cn=beffroi,ou=services,{SUFFIX}"
BIND_PASSWORD = "lecture-seule-2026"
PEOPLE = f"ou=agents,{SUFFIX}"
GROUPS = f"ou=groupes,{SUFFIX}"
AGENTS = 1200
SIZE_LIMIT = 500
DEPARTMENTS = [
    "Direction générale",
    "Voirie",
    "Bâtiments",
    "Finances",
    "Ressources humaines",
    "Urbanisme",
    "État civil",
    "Éducation",
    "Cabinet du maire",
    "Culture",
    "Sports",
    "Police municipale",
]


@dataclass(frozen=True)
class Slapd:
    url: str
    directory: Path
    tls_url: str = ""
    ca_file: Path | None = None


def _config_ldif(root: Path) -> str:
    schemas = "".join(
        "\n" + Path(f"/etc/ldap/schema/{name}.ldif").read_text(encoding="utf-8")
        for name in ("core", "cosine", "nis", "inetorgperson", "msuser")
    )
    return f"""dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {root}/slapd.pid
olcTLSCACertificateFile: {root}/ca.pem
olcTLSCertificateFile: {root}/server.pem
olcTLSCertificateKeyFile: {root}/server.key

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema
{schemas}
dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {SUFFIX}
olcRootDN: {ROOT_DN}
olcRootPW: racine-2026
olcDbDirectory: {root}/data
olcSizeLimit: size.soft={SIZE_LIMIT} size.hard={SIZE_LIMIT} size.prtotal=unlimited
olcAccess: {{0}}to attrs=userPassword by anonymous auth by * none
olcAccess: {{1}}to * by users read by * none
"""


def _entry(dn: str, **attributes: str | list[str]) -> str:
    lines = [f"dn: {dn}"]
    for name, value in attributes.items():
        for item in value if isinstance(value, list) else [value]:
            lines.append(f"{name}: {item}")
    return "\n".join(lines) + "\n\n"


def agent_dn(number: int) -> str:
    return f"uid=agent{number:04d},{PEOPLE}"


def _data_ldif() -> str:
    """1,200 agents: the first of each department heads it and reports to agent0000; the
    others report to their head. Two groups under ou=groupes. An « incomplete » branch with an
    entry whose manager does not exist, and an Active Directory-like branch (msuser schema)."""
    parts = [
        _entry(
            SUFFIX, objectClass=["dcObject", "organization"], o="Ville-Exemple", dc="ville-exemple"
        ),
        _entry(f"ou=services,{SUFFIX}", objectClass="organizationalUnit", ou="services"),
        _entry(
            BIND_DN,
            objectClass=["organizationalRole", "simpleSecurityObject"],
            cn="beffroi",
            userPassword=BIND_PASSWORD,
        ),
        _entry(PEOPLE, objectClass="organizationalUnit", ou="agents"),
        _entry(GROUPS, objectClass="organizationalUnit", ou="groupes"),
    ]
    for number in range(AGENTS):
        department = number % len(DEPARTMENTS)
        head = department
        manager = [] if number == 0 else [agent_dn(0 if number == head else head)]
        parts.append(
            _entry(
                agent_dn(number),
                objectClass="inetOrgPerson",
                uid=f"agent{number:04d}",
                cn=f"Agent {number}",
                givenName=f"Prénom{number}",
                sn=f"Nom{number}",
                mail=f"agent{number:04d}@ville-exemple.fr",
                departmentNumber=DEPARTMENTS[department],
                title="Agent territorial",
                telephoneNumber=f"+33 1 23 45 {number % 100:02d} 00",
                manager=manager,
            )
        )
    parts.append(
        _entry(
            f"cn=Cellule de crise,{GROUPS}",
            objectClass="groupOfNames",
            cn="Cellule de crise",
            member=[agent_dn(n) for n in range(10)],
        )
    )
    parts.append(
        _entry(
            f"cn=Élus,{GROUPS}",
            objectClass="groupOfNames",
            cn="Élus",
            member=[agent_dn(8)],
        )
    )
    parts.append(_entry(f"ou=incomplet,{SUFFIX}", objectClass="organizationalUnit", ou="incomplet"))
    parts.append(
        _entry(
            f"uid=orphelin,ou=incomplet,{SUFFIX}",
            objectClass="inetOrgPerson",
            uid="orphelin",
            cn="Orphelin",
            sn="Orphelin",
            manager=f"uid=parti,ou=incomplet,{SUFFIX}",
        )
    )
    parts.append(_entry(f"ou=ad,{SUFFIX}", objectClass="organizationalUnit", ou="ad"))
    parts.append(
        _entry(
            f"cn=Jeanne Dupont,ou=ad,{SUFFIX}",
            objectClass="user",
            cn="Jeanne Dupont",
            sAMAccountName="JDupont",
            givenName="Jeanne",
            sn="Dupont",
            mail="jeanne.dupont@ville-exemple.fr",
            department="Urbanisme",
            title="Instructrice",
            memberOf=[f"CN=Urbanisme,OU=Applications,{SUFFIX}", f"CN=Cellule de crise,{GROUPS}"],
        )
    )
    return "".join(parts)


def _write_certificates(root: Path) -> None:
    """A certificate authority of the commune's own and a server certificate for 127.0.0.1
    signed by it, as an Active Directory with an internal CA has."""
    now = datetime.datetime.now(datetime.UTC)

    def issue(subject: x509.Name, issuer: x509.Name, key, signer, *, ca: bool):  # type: ignore[no-untyped-def]
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AC Ville-Exemple")])
    ca = issue(ca_name, ca_name, ca_key, ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    server = issue(server_name, ca_name, server_key, ca_key, ca=False)
    (root / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (root / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (root / "server.key").write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"slapd exited with {process.returncode}:\n{log.read_text()}")
        connection = ldap3.Connection(ldap3.Server(url, connect_timeout=1), BIND_DN, BIND_PASSWORD)
        try:
            if connection.bind():
                connection.unbind()
                return
        except ldap3.core.exceptions.LDAPSocketOpenError:
            time.sleep(0.05)
    pytest.fail(f"slapd did not answer within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def slapd(tmp_path_factory) -> Iterator[Slapd]:
    """Debian's slapd as our own process: cn=config built with slapadd, the 1,200 agents
    loaded with slapadd, listening on a free loopback port; stopped at the end."""
    root = tmp_path_factory.mktemp("slapd")
    (root / "slapd.d").mkdir()
    (root / "data").mkdir()
    _write_certificates(root)
    (root / "config.ldif").write_text(_config_ldif(root), encoding="utf-8")
    (root / "data.ldif").write_text(_data_ldif(), encoding="utf-8")
    subprocess.run(
        ["/usr/sbin/slapadd", "-n0", "-F", str(root / "slapd.d"), "-l", str(root / "config.ldif")],
        check=True,
        capture_output=True,
    )
    # -s: the Active Directory-like entry lacks the attributes only AD itself fills in
    # (nTSecurityDescriptor, instanceType…); the msuser schema still knows the ones we read.
    subprocess.run(
        [
            "/usr/sbin/slapadd",
            "-s",
            "-n1",
            "-F",
            str(root / "slapd.d"),
            "-l",
            str(root / "data.ldif"),
        ],
        check=True,
        capture_output=True,
    )
    url = f"ldap://127.0.0.1:{_free_port()}"
    tls_url = f"ldaps://127.0.0.1:{_free_port()}"
    log = root / "slapd.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                "/usr/sbin/slapd",
                "-d",
                "0",
                "-h",
                f"{url}/ {tls_url}/",
                "-F",
                str(root / "slapd.d"),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(process, url, log)
        yield Slapd(url=url, directory=root, tls_url=tls_url, ca_file=root / "ca.pem")
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def password_file(tmp_path) -> Path:
    path = tmp_path / "ldap-password.txt"
    path.write_text(BIND_PASSWORD + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def run_ldap_import(slapd: Slapd, password_file: Path, *options: str, base: str = PEOPLE):
    out, err = io.StringIO(), io.StringIO()
    arguments = [
        "import",
        "--ldap",
        slapd.url,
        "--base-dn",
        base,
        "--bind-dn",
        BIND_DN,
        "--password-file",
        str(password_file),
        *options,
    ]
    try:
        call_command("directory", *arguments, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_server_caps_a_plain_search_below_the_number_of_agents(slapd):
    """The premise of the next test: one unpaged search returns only 500 of the 1,200."""
    connection = ldap3.Connection(ldap3.Server(slapd.url), BIND_DN, BIND_PASSWORD, auto_bind=True)

    connection.search(PEOPLE, "(objectClass=inetOrgPerson)", attributes=["uid"])

    assert connection.result["description"] == "sizeLimitExceeded"
    assert len(connection.response) == SIZE_LIMIT
    connection.unbind()


def test_1200_agents_are_imported_through_paged_results(slapd, password_file, db):
    """Every agent arrives, with their department, their manager resolved from a DN, and the
    groups found under --group-base-dn."""
    status, out, err = run_ldap_import(slapd, password_file, "--group-base-dn", GROUPS)

    assert (status, err) == (0, "")
    assert "agents à créer : 1200" in out
    assert "Import terminé." in out
    assert Agent.objects.count() == AGENTS
    assert Department.objects.count() == len(DEPARTMENTS)
    agent = Agent.objects.get(username="agent1199")
    assert (agent.first_name, agent.last_name) == ("Prénom1199", "Nom1199")
    assert agent.email == "agent1199@ville-exemple.fr"
    assert agent.phone == "+33 1 23 45 99 00"
    assert agent.job_title == "Agent territorial"
    head = 1199 % len(DEPARTMENTS)
    assert agent.manager.username == f"agent{head:04d}"
    assert agent.departments.get().name == DEPARTMENTS[head]
    assert Agent.objects.get(username=f"agent{head:04d}").manager.username == "agent0000"
    assert Agent.objects.filter(manager__isnull=True).count() == 1
    crise = AgentGroup.objects.get(name="Cellule de crise")
    assert set(crise.members.values_list("username", flat=True)) == {
        f"agent{n:04d}" for n in range(10)
    }
    assert list(AgentGroup.objects.get(name="Élus").members.values_list("username", flat=True)) == [
        "agent0008"
    ]
    assert not agent.has_usable_password()


def test_a_second_ldap_import_changes_nothing(slapd, password_file, db):
    """Keyed on the username: the same directory read twice writes nothing the second time."""
    run_ldap_import(slapd, password_file, "--group-base-dn", GROUPS)
    events = AuditEvent.objects.count()

    status, out, _err = run_ldap_import(slapd, password_file, "--group-base-dn", GROUPS)

    assert status == 0
    assert "agents inchangés : 1200" in out
    assert "Aucun changement : l'annuaire est déjà à jour." in out
    assert AuditEvent.objects.count() == events


def test_dry_run_reads_the_directory_and_writes_nothing(slapd, password_file, db):
    """--dry-run gives the report of the 1,200 agents and creates none."""
    status, out, _err = run_ldap_import(slapd, password_file, "--dry-run")

    assert status == 0
    assert "agents à créer : 1200" in out
    assert "Simulation : rien n'a été enregistré." in out
    assert not Agent.objects.exists()


def test_a_wrong_bind_password_is_refused_precisely(slapd, tmp_path, db):
    """The server refuses the bind: a French message naming the bind DN, status 1, nothing
    imported, and the password itself never printed."""
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("pas-le-bon-mot-de-passe\n", encoding="utf-8")

    status, out, err = run_ldap_import(slapd, wrong)

    assert status == 1
    assert err == (
        f"Identifiants LDAP refusés pour « {BIND_DN} » : vérifiez --bind-dn et le fichier "
        "de mot de passe. Rien n'a été importé.\n"
    )
    assert "pas-le-bon-mot-de-passe" not in out + err
    assert not Agent.objects.exists()


def test_an_unreachable_server_is_reported_precisely(password_file, db):
    """Nobody listens on the port: a French message naming the address, status 1."""
    url = f"ldap://127.0.0.1:{_free_port()}"

    status, _out, err = run_ldap_import(Slapd(url=url, directory=Path()), password_file)

    assert status == 1
    assert err.startswith(f"Serveur LDAP injoignable à {url} : ")
    assert "Rien n'a été importé." in err
    assert not Agent.objects.exists()


def test_an_empty_password_file_is_refused_before_connecting(slapd, tmp_path, db):
    """An empty password would be an anonymous bind, which LDAP servers accept: refused."""
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")

    status, _out, err = run_ldap_import(slapd, empty)

    assert status == 1
    assert err == "Le mot de passe de liaison LDAP est vide : rien n'a été importé.\n"


def test_ldap_options_must_come_together(db):
    """--ldap without --bind-dn and --password-file names both missing options."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command(
            "directory", "import", "--ldap", "ldap://127.0.0.1:1", "--base-dn", SUFFIX, stderr=err
        )

    assert stop.value.code == 1
    assert err.getvalue() == "Options obligatoires avec --ldap : --bind-dn, --password-file.\n"


def test_a_manager_dn_that_leads_nowhere_imports_nothing(slapd, password_file, db):
    """An entry whose manager DN does not exist is named; nothing is imported."""
    status, _out, err = run_ldap_import(slapd, password_file, base=f"ou=incomplet,{SUFFIX}")

    assert status == 1
    assert (
        f"entrée uid=orphelin,ou=incomplet,{SUFFIX} : responsable "
        f"« uid=parti,ou=incomplet,{SUFFIX} » introuvable dans l'annuaire LDAP." in err
    )
    assert not Agent.objects.exists()


def test_active_directory_attributes_and_member_of(slapd, password_file, db):
    """sAMAccountName is the username (in lower case), department the department, and the
    groups come from memberOf."""
    status, _out, err = run_ldap_import(
        slapd, password_file, "--user-filter", "(objectClass=user)", base=f"ou=ad,{SUFFIX}"
    )

    assert (status, err) == (0, "")
    jeanne = Agent.objects.get(username="jdupont")
    assert (jeanne.first_name, jeanne.job_title) == ("Jeanne", "Instructrice")
    assert jeanne.departments.get().name == "Urbanisme"
    assert set(jeanne.agent_groups.values_list("name", flat=True)) == {
        "Urbanisme",
        "Cellule de crise",
    }


def test_member_of_is_limited_to_the_group_base(slapd, password_file, db):
    """With --group-base-dn, memberOf values outside that base are not turned into groups."""
    status, _out, _err = run_ldap_import(
        slapd,
        password_file,
        "--user-filter",
        "(objectClass=user)",
        "--group-base-dn",
        GROUPS,
        base=f"ou=ad,{SUFFIX}",
    )

    assert status == 0
    jeanne = Agent.objects.get(username="jdupont")
    assert list(jeanne.agent_groups.values_list("name", flat=True)) == ["Cellule de crise"]


def test_suspend_missing_suspends_agents_gone_from_the_directory(
    slapd, password_file, agent_finances, maire
):
    """An agent who is not in the directory any more is suspended with --suspend-missing;
    the administrator is not."""
    status, out, _err = run_ldap_import(
        slapd,
        password_file,
        "--user-filter",
        "(objectClass=user)",
        "--suspend-missing",
        base=f"ou=ad,{SUFFIX}",
    )

    assert status == 0
    assert "à suspendre : agent.finances" in out
    agent_finances.refresh_from_db()
    maire.refresh_from_db()
    assert agent_finances.status == Agent.Status.SUSPENDED
    assert maire.status == Agent.Status.ACTIVE


def test_an_invalid_user_filter_is_named(slapd, password_file, db):
    """A filter with a missing parenthesis is refused before anything is read."""
    status, _out, err = run_ldap_import(slapd, password_file, "--user-filter", "(objectClass=user")

    assert status == 1
    assert err == "Filtre LDAP invalide : (objectClass=user.\n"


def test_a_base_dn_that_does_not_exist_is_named(slapd, password_file, db):
    """A typo in --base-dn: the search fails with the server's reason, nothing imported."""
    status, _out, err = run_ldap_import(slapd, password_file, base=f"ou=agnets,{SUFFIX}")

    assert status == 1
    assert err == (
        f"La recherche LDAP sous « ou=agnets,{SUFFIX} » a échoué : cette base n'existe "
        "pas (noSuchObject).\n"
    )
    assert not Agent.objects.exists()


def test_ldaps_checks_the_certificate_against_the_communes_authority(slapd, password_file, db):
    """Over ldaps:// with --ca-file naming the commune's own authority, the import runs."""
    status, out, err = run_ldap_import(
        replace(slapd, url=slapd.tls_url),
        password_file,
        "--ca-file",
        str(slapd.ca_file),
        "--dry-run",
        "--user-filter",
        "(objectClass=user)",
        base=f"ou=ad,{SUFFIX}",
    )

    assert (status, err) == (0, "")
    assert "agents à créer : 1" in out


def test_ldaps_refuses_a_certificate_nobody_vouches_for(slapd, password_file, db):
    """Without the commune's authority, the server's certificate is not trusted: the
    connection is refused before the password is sent."""
    status, _out, err = run_ldap_import(replace(slapd, url=slapd.tls_url), password_file)

    assert status == 1
    assert err == (
        f"Certificat du serveur LDAP {slapd.tls_url} refusé (certificate verify failed: "
        "self-signed certificate in certificate chain) : indiquez l'autorité de certification "
        "de la collectivité avec --ca-file. Rien n'a été importé.\n"
    )
    assert not Agent.objects.exists()


def test_starttls_upgrades_the_plain_port_before_binding(slapd, password_file, db):
    """ldap:// with --starttls and the commune's authority: the connection is encrypted before
    the bind password is sent, and the import runs."""
    status, out, err = run_ldap_import(
        slapd,
        password_file,
        "--starttls",
        "--ca-file",
        str(slapd.ca_file),
        "--dry-run",
        "--user-filter",
        "(objectClass=user)",
        base=f"ou=ad,{SUFFIX}",
    )

    assert (status, err) == (0, "")
    assert "agents à créer : 1" in out


def test_starttls_refuses_a_certificate_nobody_vouches_for(slapd, password_file, db):
    status, _out, err = run_ldap_import(slapd, password_file, "--starttls")

    assert status == 1
    assert err.startswith(f"Certificat du serveur LDAP {slapd.url} refusé (")
    assert not Agent.objects.exists()


def test_the_bind_password_never_leaves_in_clear_for_another_machine(password_file, db):
    """ldap:// to a server elsewhere without StartTLS is refused before any connection."""
    remote = Slapd(url="ldap://annuaire.ville-exemple.fr", directory=Path("/nonexistent"))
    status, _out, err = run_ldap_import(remote, password_file)

    assert status == 1
    assert err == (
        "Le mot de passe de liaison ne part pas en clair vers ldap://annuaire.ville-exemple.fr : "
        "utilisez ldaps:// ou --starttls. Rien n'a été importé.\n"
    )
