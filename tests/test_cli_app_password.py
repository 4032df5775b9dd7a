"""`beffroi app-password` and `beffroi user list --department`, run as an administrator runs
them: real processes on a fresh instance."""

from __future__ import annotations

import re

import pytest

from tests.conftest import beffroi

SECRET = re.compile(r"^[a-z2-9]{4}(-[a-z2-9]{4}){3}$")
PASSWORD = "Correct-Cheval-Batterie-42\n"


def _add_user(env: dict[str, str], username: str, *departments: str) -> None:
    flags = [arg for code in departments for arg in ("--department", code)]
    result = beffroi("user", "add", username, *flags, "--password-stdin", env=env, stdin=PASSWORD)
    assert result.returncode == 0, result.stderr


def _shell(env: dict[str, str], code: str) -> str:
    result = beffroi("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def instance(process_env) -> dict[str, str]:
    """A migrated instance with Services techniques → Voirie, and Finances."""
    assert beffroi("migrate", env=process_env).returncode == 0
    _shell(
        process_env,
        "from beffroi.directory.models import Department as D; "
        "t = D.objects.create(code='TECHNIQUES', name='Services techniques'); "
        "D.objects.create(code='VOIRIE', name='Voirie', parent=t); "
        "D.objects.create(code='FINANCES', name='Finances')",
    )
    return process_env


def test_add_prints_the_secret_alone_on_stdout(instance):
    """A script captures the secret from stdout; the notes go to stderr; all scopes by default;
    only a hash is stored."""
    _add_user(instance, "jeanne.martin")

    result = beffroi("app-password", "add", "jeanne.martin", "--label", "rclone", env=instance)

    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert result.stdout == secret + "\n"
    assert SECRET.match(secret), result.stdout
    assert "Il n'est affiché qu'une fois" in result.stderr
    assert secret not in result.stderr
    stored = _shell(
        instance,
        "from beffroi.directory.models import AppPassword as A; "
        "a = A.objects.get(); print(a.scopes, a.secret_hash)",
    )
    assert stored.startswith("['files', 'calendars', 'mail', 'api'] ")
    assert secret not in stored


def test_scopes_are_chosen_with_repeated_flags(instance):
    """--scope files --scope calendars limits the password to those two."""
    _add_user(instance, "jeanne.martin")

    beffroi(
        "app-password",
        "add",
        "jeanne.martin",
        "--label",
        "DAVx5",
        "--scope",
        "files",
        "--scope",
        "calendars",
        env=instance,
    )
    listed = beffroi("app-password", "list", "jeanne.martin", env=instance)

    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    identifier, scopes, _created, last_used, label = line.split("\t")
    assert (scopes, last_used, label) == ("files,calendars", "jamais", "DAVx5")
    assert re.match(r"^[0-9a-f-]{36}$", identifier)


def test_an_unknown_scope_or_agent_is_refused_in_french(instance):
    """A typo in a scope is an argument error (2); an unknown agent an error (1)."""
    _add_user(instance, "jeanne.martin")

    typo = beffroi(
        "app-password", "add", "jeanne.martin", "--label", "x", "--scope", "fax", env=instance
    )
    stranger = beffroi("app-password", "add", "paul", "--label", "x", env=instance)

    assert typo.returncode == 2
    assert "choix invalide" in typo.stderr
    assert stranger.returncode == 1
    assert "Agent inconnu : paul" in stranger.stderr
    assert stranger.stdout == ""


def test_revoke_removes_it_from_the_list(instance):
    """`revoke USERNAME ID` takes the id printed by `list`; the list is then empty."""
    _add_user(instance, "jeanne.martin")
    beffroi("app-password", "add", "jeanne.martin", "--label", "Thunderbird", env=instance)
    identifier = beffroi("app-password", "list", "jeanne.martin", env=instance).stdout.split()[0]

    revoked = beffroi("app-password", "revoke", "jeanne.martin", identifier, env=instance)
    again = beffroi("app-password", "revoke", "jeanne.martin", identifier, env=instance)

    assert revoked.returncode == 0, revoked.stderr
    assert "« Thunderbird » révoqué" in revoked.stdout
    assert beffroi("app-password", "list", "jeanne.martin", env=instance).stdout == ""
    assert again.returncode == 1
    assert "Aucun mot de passe d'application en service" in again.stderr


def test_user_add_places_the_agent_in_departments(instance):
    """--department is repeatable; an unknown code creates nothing and is named."""
    _add_user(instance, "karim.benali", "VOIRIE", "FINANCES")
    unknown = beffroi(
        "user",
        "add",
        "paul",
        "--department",
        "URBANISME",
        "--password-stdin",
        env=instance,
        stdin=PASSWORD,
    )

    codes = _shell(
        instance,
        "from beffroi.directory.models import Agent; "
        "print(sorted(Agent.objects.get(username='karim.benali')"
        ".departments.values_list('code', flat=True)))",
    )
    assert codes == "['FINANCES', 'VOIRIE']"
    assert unknown.returncode == 1
    assert "Service inconnu : URBANISME." in unknown.stderr
    assert "paul" not in beffroi("user", "list", env=instance).stdout.split()


def test_user_list_filters_by_department_and_those_below(instance):
    """--department TECHNIQUES lists Voirie's agent too; FINANCES only its own; an unknown
    code is an error."""
    _add_user(instance, "chef.techniques", "TECHNIQUES")
    _add_user(instance, "karim.benali", "VOIRIE")
    _add_user(instance, "sophie.martin", "FINANCES")

    def listed(*args: str) -> list[str]:
        result = beffroi("user", "list", *args, env=instance)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    assert listed("--department", "TECHNIQUES") == ["chef.techniques", "karim.benali"]
    assert listed("--department", "VOIRIE") == ["karim.benali"]
    assert listed("--department", "FINANCES") == ["sophie.martin"]
    assert listed() == ["chef.techniques", "karim.benali", "sophie.martin"]
    unknown = beffroi("user", "list", "--department", "URBANISME", env=instance)
    assert unknown.returncode == 1
    assert "Service inconnu : URBANISME" in unknown.stderr
