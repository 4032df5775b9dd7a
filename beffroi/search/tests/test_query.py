"""What a person types becomes terms, phrases and prefixes, never engine syntax."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beffroi.search.access import access_search
from beffroi.search.query import parse
from beffroi.search.tests.sources import KIND, page


def test_words_become_terms_and_stop_words_go():
    """« les délibérations du conseil » asks for two terms."""
    query = parse("les délibérations du conseil")
    assert query.terms == ("deliber", "conseil")
    assert query.phrases == ()


def test_words_in_double_quotes_are_a_phrase():
    """A quoted phrase keeps its stop words and their order."""
    query = parse('"permis de construire" urbanisme')
    assert query.phrases == (("perm", "de", "construir"),)
    assert query.terms == ("urban",)


def test_french_guillemets_quote_a_phrase_too():
    """« permis de construire » and “permis de construire” are phrases."""
    assert parse("« permis de construire »").phrases == (("perm", "de", "construir"),)
    assert parse("“permis de construire”").phrases == (("perm", "de", "construir"),)


def test_an_unbalanced_quote_opens_no_phrase():
    """« "permis de construire » is three words, two of them meaningful."""
    assert parse('"permis de construire').phrases == ()
    assert parse('"permis de construire').terms == ("perm", "construir")


def test_the_last_word_is_a_prefix_only_when_typing():
    """With ``prefix``, « délibérati » matches the stem « deliber » (one of its starts) and any
    term starting with it."""
    typing = parse("budget délibérati", prefix=True)
    assert typing.terms == ("budget",)
    assert typing.marks("deliber")
    assert typing.marks("deliberatif")
    assert not typing.marks("budgetair")
    assert parse("budget délibérati").prefixes == ()
    assert parse("budget délibérati ", prefix=True).prefixes == ()


@pytest.mark.parametrize(
    "text", ['"', "*", ":", "-", "^", "()", "''", "\\", '""', "* : - ^", "«»", "   ", ""]
)
def test_punctuation_alone_is_an_empty_query(text):
    """Nothing to search for: no term at all."""
    assert parse(text).empty
    assert parse(text, prefix=True).empty


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "NEAR",
        "NEAR(budget voirie)",
        "AND",
        "OR",
        "NOT",
        "budget AND",
        "budget OR voirie",
        "-budget",
        "title:budget",
        "budget*",
        "^budget",
        '"budget',
        "budget:*",
        "'budget' & !voirie",
        "budget <-> voirie",
        "(budget",
        "{budget}",
        "budget NEAR/2 voirie",
    ],
)
def test_engine_syntax_is_never_interpreted(essais, agent_voirie, text):
    """FTS5 and tsquery operators are words or punctuation: no error, and no result that the
    same words without the operators would not give."""
    essais.index(page("1", "Budget de la voirie", "Le budget annexe de la voirie"))
    essais.index(page("2", "Near and or not", "near and or not title"))

    results = access_search(agent_voirie, text, kinds=[KIND])

    found = {hit.object_id for group in results.groups for hit in group.hits}
    assert found <= {"1", "2"}
    for prefix in (True, False):
        access_search(agent_voirie, text, kinds=[KIND], prefix=prefix)


@pytest.mark.parametrize("text", ['"', "*", "NEAR", "AND", "-", ":", "…", "?!"])
def test_a_query_of_syntax_alone_finds_nothing_without_error(essais, agent_voirie, text):
    """« " », « * », « NEAR », « AND », « - », « : »: an empty answer."""
    essais.index(page("1", "Budget", "and near"))
    if text in ("NEAR", "AND"):
        # A word like any other: the page that says it is found, nothing else.
        results = access_search(agent_voirie, text, kinds=[KIND])
        assert [hit.object_id for hit in results.groups[0].hits] == ["1"]
    else:
        assert access_search(agent_voirie, text, kinds=[KIND]).empty


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=60), prefix=st.booleans())
def test_any_string_is_searched_without_error(essais, agent_voirie, text, prefix):
    """Random text (controls, quotes, symbols, any script) never breaks the engine."""
    if not essais.documents:
        essais.index(page("1", "Budget « voirie »", 'Texte avec "guillemets" et * : - NEAR'))
    results = access_search(agent_voirie, text, kinds=[KIND], prefix=prefix)
    assert all(group.kind == KIND for group in results.groups)
