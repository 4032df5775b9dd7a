"""The ``beffroi`` command, run as an administrator runs it."""

from __future__ import annotations

import stat

from tests.conftest import beffroi


def test_help_is_in_french(process_env):
    """`beffroi --help` lists the commands in French."""
    result = beffroi("--help", env=process_env)
    assert result.returncode == 0
    assert "Utilisation : beffroi COMMANDE" in result.stdout
    assert "servir Beffroi" in result.stdout


def test_each_command_help_is_in_french(process_env):
    """`--help` of a command describes it and its options in French, Django's included."""
    for command in ("serve", "init", "user", "audit"):
        result = beffroi(command, "--help", env=process_env)
        assert result.returncode == 0, result.stderr
        assert "Utilisation : beffroi" in result.stdout
        assert "afficher cette aide et quitter" in result.stdout
        assert "show this help" not in result.stdout
    serve = beffroi("serve", "--help", env=process_env).stdout
    assert "adresse d'écoute" in serve
    assert "niveau de détail" in serve


def test_an_unknown_option_is_a_french_error(process_env):
    """A typo in an option stops the command with a French message and exit code 2."""
    result = beffroi("serve", "--prot", "8000", env=process_env)
    assert result.returncode == 2
    assert "option ou argument inconnu : --prot" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_environment_value_is_named(process_env):
    """BEFFROI_DEBUG=vrai is refused before anything starts, without a traceback."""
    result = beffroi("check", env={**process_env, "BEFFROI_DEBUG": "vrai"})
    assert result.returncode == 2
    assert "Configuration invalide : BEFFROI_DEBUG='vrai' n'est pas un booléen" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_creates_the_first_administrator_once(process_env, tmp_path):
    """`beffroi init` prints the password once and keeps it in a file only its owner reads."""
    first = beffroi("init", env=process_env)
    assert first.returncode == 0, first.stderr
    password_file = tmp_path / "var" / "initial-admin-password"
    password = password_file.read_text().strip()
    assert f"mot de passe : {password}" in first.stdout
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    second = beffroi("init", env=process_env)
    assert second.returncode == 0
    assert "un administrateur existe déjà" in second.stdout
    assert password not in second.stdout
    assert beffroi("user", "list", env=process_env).stdout.split() == ["admin"]


def test_user_add_reads_the_password_from_stdin(process_env):
    """`beffroi user add` takes the password on standard input, never as an argument."""
    beffroi("migrate", env=process_env)
    result = beffroi(
        "user",
        "add",
        "jeanne.martin",
        "--email",
        "jeanne.martin@ville-exemple.fr",
        "--password-stdin",
        env=process_env,
        stdin="Correct-Cheval-Batterie-42\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Compte créé : jeanne.martin" in result.stdout
    assert "jeanne.martin" in beffroi("user", "list", env=process_env).stdout.split()


def test_user_add_explains_every_problem(process_env):
    """A weak password and a bad e-mail are both reported, and no account is created."""
    beffroi("migrate", env=process_env)
    result = beffroi(
        "user",
        "add",
        "paul",
        "--email",
        "pas-une-adresse",
        "--password-stdin",
        env=process_env,
        stdin="1234\n",
    )
    assert result.returncode == 1
    assert "Compte non créé" in result.stderr
    assert "email : " in result.stderr
    assert "password : " in result.stderr
    assert "paul" not in beffroi("user", "list", env=process_env).stdout.split()


def test_user_add_without_password_stdin_is_refused(process_env):
    """The flag is required, so a password never ends up in shell history."""
    result = beffroi("user", "add", "paul", env=process_env)
    assert result.returncode == 2
    assert "--password-stdin" in result.stderr
