"""Strict, typed readers for the environment.

Every setting Beffroi takes from the environment goes through one of these functions, so that a
malformed value stops the program with a message naming the variable, instead of being guessed.
Secrets may also be given as a file: ``NAME_FILE=/run/secrets/name`` (the file's content, stripped).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class EnvError(ImproperlyConfigured):
    """A variable of the environment has a value Beffroi cannot use."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    """A plain string, or ``default`` when the variable is unset or empty."""
    value = _raw(name)
    return default if value is None else value


def env_optional(name: str) -> str | None:
    """A plain string, or ``None`` when the variable is unset or empty."""
    return _raw(name)


def env_bool(name: str, default: bool) -> bool:
    """true/false, 1/0, yes/no, on/off; anything else is an error."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={value!r} n'est pas un booléen : utilisez true ou false (ou 1 / 0).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number, optionally bounded below."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} n'est pas un nombre entier.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} est trop petit : la valeur minimale est {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks around items are ignored, empty items are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One value among ``choices``."""
    value = env_str(name, default)
    if value not in choices:
        allowed = ", ".join(choices)
        raise EnvError(f"{name}={value!r} n'est pas reconnu : valeurs possibles : {allowed}.")
    return value


def env_path(name: str, default: str) -> Path:
    """A filesystem path, made absolute against the current directory."""
    return Path(env_str(name, default)).expanduser().resolve()


def env_secret(name: str) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (not both)."""
    direct = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if direct is not None and file_name is not None:
        raise EnvError(f"{name} et {name}_FILE sont tous deux définis : n'en gardez qu'un.")
    if file_name is None:
        return direct
    try:
        content = Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise EnvError(
            f"{name}_FILE={file_name!r} ne peut pas être lu : {error.strerror}."
        ) from None
    if not content:
        raise EnvError(f"{name}_FILE={file_name!r} désigne un fichier vide.")
    return content
