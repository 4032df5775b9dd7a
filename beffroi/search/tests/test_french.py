"""The French analyser: what the index and the queries both see of a text."""

from __future__ import annotations

import pytest

from beffroi.search import french


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("travaux", "travail"),
        ("vitraux", "vitrail"),
        ("baux", "bail"),
        ("émaux", "émail"),
        ("coraux", "corail"),
        ("chevaux", "cheval"),
        ("journaux", "journal"),
        ("locaux", "local"),
        ("délibérations", "délibération"),
        ("Églises", "eglise"),
    ],
)
def test_a_plural_and_its_singular_are_one_term(plural, singular):
    """Irregular « -aux » plurals meet their singular, as regular plurals do."""
    assert french.analyse(plural) == french.analyse(singular)


def test_case_and_accents_are_folded():
    """« ÉGLISE », « église » and « eglise » are the same term."""
    assert french.analyse("ÉGLISE") == french.analyse("église") == french.analyse("eglise")


def test_elisions_are_dropped():
    """« l'église », « d’urbanisme » and « qu'il » lose their elided article."""
    assert french.analyse("l'église d’urbanisme") == french.analyse("église urbanisme")
    assert french.words("jusqu'au lorsqu'il") == ["au", "il"]


def test_verb_forms_meet_the_noun():
    """« délibérer », « délibéré » and « délibération » share their stem; so do « signer »,
    « signé » and « signait »."""
    assert french.analyse("délibérer délibéré") == french.analyse("délibération délibérations")
    assert french.analyse("signer signé signait") == french.analyse("signe signe signe")


def test_the_analysed_text_is_words_of_letters_and_digits():
    """Punctuation, symbols and underscores never reach the engines."""
    analysed = french.analyse('Budget 2026 : « voirie » (N°12) — a_b "x" * NEAR/3 œuvre')
    assert all(term.isalnum() for term in analysed.split())
    assert "oeuvr" in analysed.split()


def test_very_long_words_are_left_out():
    """A hash or a base64 line is no word: skipped, as PostgreSQL would."""
    assert french.analyse("a" * 101) == ""
