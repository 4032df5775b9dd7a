"""The environment is read strictly: a malformed value is an error naming the variable."""

from __future__ import annotations

import pytest

from beffroi.conf.env import EnvError, env_bool, env_int, env_list, env_secret


@pytest.mark.parametrize("value", ["true", "1", "yes", "on", "TRUE"])
def test_true_spellings(monkeypatch, value):
    """The usual spellings of yes are true."""
    monkeypatch.setenv("BEFFROI_X", value)
    assert env_bool("BEFFROI_X", False) is True


@pytest.mark.parametrize("value", ["false", "0", "no", "off"])
def test_false_spellings(monkeypatch, value):
    """The usual spellings of no are false."""
    monkeypatch.setenv("BEFFROI_X", value)
    assert env_bool("BEFFROI_X", True) is False


def test_a_bool_that_is_neither_is_an_error(monkeypatch):
    """'vrai' is not guessed: the error names the variable and the accepted values."""
    monkeypatch.setenv("BEFFROI_DEBUG", "vrai")
    with pytest.raises(EnvError, match=r"BEFFROI_DEBUG='vrai' n'est pas un booléen"):
        env_bool("BEFFROI_DEBUG", False)


def test_unset_and_empty_take_the_default(monkeypatch):
    """An empty value counts as unset."""
    monkeypatch.setenv("BEFFROI_X", "  ")
    assert env_bool("BEFFROI_X", True) is True
    monkeypatch.delenv("BEFFROI_X")
    assert env_int("BEFFROI_X", 7) == 7


def test_an_integer_must_be_one(monkeypatch):
    monkeypatch.setenv("BEFFROI_PORT", "huit")
    with pytest.raises(EnvError, match="BEFFROI_PORT='huit' n'est pas un nombre entier"):
        env_int("BEFFROI_PORT", 8000)


def test_an_integer_below_its_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("BEFFROI_N", "0")
    with pytest.raises(EnvError, match="la valeur minimale est 1"):
        env_int("BEFFROI_N", 5, minimum=1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("BEFFROI_ALLOWED_HOSTS", " a.fr, b.fr ,,")
    assert env_list("BEFFROI_ALLOWED_HOSTS", []) == ["a.fr", "b.fr"]


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    """NAME_FILE names a file holding the secret, as container secrets do."""
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cr3t\n")
    monkeypatch.delenv("BEFFROI_SECRET_KEY", raising=False)
    monkeypatch.setenv("BEFFROI_SECRET_KEY_FILE", str(secret_file))
    assert env_secret("BEFFROI_SECRET_KEY") == "s3cr3t"


def test_a_secret_given_twice_is_an_error(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("a")
    monkeypatch.setenv("BEFFROI_SECRET_KEY", "b")
    monkeypatch.setenv("BEFFROI_SECRET_KEY_FILE", str(secret_file))
    with pytest.raises(EnvError, match="n'en gardez qu'un"):
        env_secret("BEFFROI_SECRET_KEY")


def test_an_unreadable_secret_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.delenv("BEFFROI_SECRET_KEY", raising=False)
    monkeypatch.setenv("BEFFROI_SECRET_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(EnvError, match="ne peut pas être lu"):
        env_secret("BEFFROI_SECRET_KEY")
