"""Password rules added to Django's: not one of the 100,000 most common passwords."""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beffroi.directory.models import Agent

COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords-100k.txt.gz"
# "soleil2024!", "motdepasse123": a common password with digits or signs added at the end.
_TRAILING_DIGITS_AND_SIGNS = re.compile(r"[\d\W_]+$")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list, in lower case (read once per process, a few megabytes)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


class CommonPasswordListValidator:
    """Refuse a password of the bundled list, or one made of such a password followed by digits
    and signs only. Compared in lower case, as Django's own ``CommonPasswordValidator``."""

    def validate(self, password: str, user: Agent | None = None) -> None:
        candidate = password.strip().lower()
        stem = _TRAILING_DIGITS_AND_SIGNS.sub("", candidate)
        listed = common_passwords()
        if candidate in listed or (stem and stem in listed):
            raise ValidationError(
                _(
                    "Ce mot de passe figure parmi les plus utilisés et serait deviné très vite. "
                    "Choisissez-en un autre, par exemple une phrase de plusieurs mots."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _(
            "Votre mot de passe ne doit pas figurer parmi les mots de passe les plus courants."
        )
