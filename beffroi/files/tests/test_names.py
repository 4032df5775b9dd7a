"""What a file or folder may be called."""

from __future__ import annotations

import unicodedata

import pytest

from beffroi.core.errors import InvalidInput
from beffroi.files.names import clean_name


def test_a_name_typed_on_a_mac_is_stored_composed():
    """A decomposed "é" (macOS) and a composed one (Windows) give the same stored name."""
    decomposed = unicodedata.normalize("NFD", "Délibération.odt")

    assert clean_name(decomposed) == "Délibération.odt"
    assert clean_name(decomposed) == clean_name("Délibération.odt")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("budget/2026.ods", "barre oblique"),
        ("budget\\2026.ods", "barre oblique"),
        ("bud\0get", "caractère de contrôle"),
        ("bud\x1bget", "caractère de contrôle"),
        ("CON", "réservé par Windows"),
        ("aux.txt", "réservé par Windows"),
        ("Lpt1.log", "réservé par Windows"),
        ("compte-rendu.", "finir par un point"),
        ("compte-rendu ", "finir par un point"),
        ("é" * 128, "trop long"),
        (b"caf\xe9.txt", "UTF-8"),
        ("caf\udce9.txt", "UTF-8"),
        ("", "Donnez un nom"),
        ("..", "Donnez un nom"),
    ],
)
def test_unusable_names_are_refused_with_a_french_reason(raw, message):
    """Each name that would break a computer or escape its folder is refused, and says why."""
    with pytest.raises(InvalidInput) as refused:
        clean_name(raw)

    assert message in refused.value.message
    assert refused.value.fields == {"name": [refused.value.message]}


def test_ordinary_names_pass_unchanged():
    """Accents, spaces, several dots and 255 bytes are fine; "console.txt" is not "CON"."""
    for name in ("Procès-verbal du conseil 2026.03.12.pdf", "console.txt", "a" * 255, "x.CON"):
        assert clean_name(name) == name
