"""Searching: French-aware matching, phrases, prefixes, ranking, snippets, counts and scopes.

Every test runs on SQLite (FTS5) and, in CI, again on PostgreSQL: the same assertions hold for
both engines.
"""

from __future__ import annotations

import datetime as dt

from beffroi.directory.models import Agent
from beffroi.search.access import COUNT_CAP, access_search
from beffroi.search.tests.sources import KIND, page


def _ids(user, text: str, **options) -> list[str]:
    results = access_search(user, text, kinds=[KIND], **options)
    return [hit.object_id for group in results.groups for hit in group.hits]


def test_travaux_finds_a_page_that_says_travail(essais, agent_voirie):
    """An irregular plural finds its singular, and the other way round."""
    essais.index(page("1", "Compte rendu", "Le travail de la commission."))
    essais.index(page("2", "Planning", "Les travaux commencent lundi."))

    assert sorted(_ids(agent_voirie, "travaux")) == ["1", "2"]
    assert sorted(_ids(agent_voirie, "travail")) == ["1", "2"]


def test_deliberations_finds_deliberation(essais, agent_voirie):
    """A plural with accents finds the singular, with or without them."""
    essais.index(page("1", "Conseil", "La délibération n° 12 est adoptée."))
    essais.index(page("2", "Autre", "Rien à voir."))

    assert _ids(agent_voirie, "délibérations") == ["1"]
    assert _ids(agent_voirie, "DELIBERATION") == ["1"]


def test_eglise_finds_eglise_with_its_accent(essais, agent_voirie):
    """« eglise » typed without accent finds « Église »."""
    essais.index(page("1", "Patrimoine", "Rénovation de l'Église Saint-Martin."))

    assert _ids(agent_voirie, "eglise") == ["1"]


def test_every_word_must_match(essais, agent_voirie):
    """Two words find only what holds both."""
    essais.index(page("1", "Voirie", "budget de la voirie"))
    essais.index(page("2", "Écoles", "budget des écoles"))

    assert _ids(agent_voirie, "budget voirie") == ["1"]


def test_a_quoted_phrase_finds_only_the_words_together(essais, agent_voirie):
    """« "permis de construire" » finds the phrase, not the words apart."""
    essais.index(page("1", "Urbanisme", "Dépôt d'un permis de construire en mairie."))
    essais.index(page("2", "Divers", "Construire un abri ; permis de pêche."))

    assert _ids(agent_voirie, '"permis de construire"') == ["1"]
    assert sorted(_ids(agent_voirie, "permis construire")) == ["1", "2"]


def test_the_word_being_typed_is_a_prefix(essais, agent_voirie):
    """As-you-type: « délib », then « délibérati », already find « délibération »."""
    essais.index(page("1", "Conseil", "La délibération est adoptée."))
    essais.index(page("2", "Autre", "Le débat est ouvert."))

    assert _ids(agent_voirie, "délib", prefix=True) == ["1"]
    assert _ids(agent_voirie, "délibérati", prefix=True) == ["1"]
    assert _ids(agent_voirie, "délibérati") == []


def test_a_title_match_ranks_above_a_body_match(essais, agent_voirie):
    """The page titled « Budget » comes before the one that only mentions it."""
    essais.index(page("corps", "Compte rendu", "Il fut question du budget, longuement."))
    essais.index(page("titre", "Budget primitif", "Document de travail."))

    assert _ids(agent_voirie, "budget") == ["titre", "corps"]
    results = access_search(agent_voirie, "budget", kinds=[KIND])
    scores = [hit.score for hit in results.groups[0].hits]
    assert scores[0] > scores[1]


def test_the_snippet_marks_the_words_and_escapes_the_text(essais, agent_voirie):
    """Around the first match, HTML escaped, every matching inflection in <mark>."""
    body = "Préambule. " * 20 + "<script>alert(1)</script> Les travaux & le travail de voirie."
    essais.index(page("1", "Chantier <b>", body))

    hit = access_search(agent_voirie, "travail", kinds=[KIND]).groups[0].hits[0]

    assert "<mark>travaux</mark>" in hit.snippet
    assert "<mark>travail</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&amp;" in hit.snippet
    assert hit.snippet.startswith("… ")
    assert hit.title_html == "Chantier &lt;b&gt;"


def test_a_title_match_with_no_body_match_shows_the_title_marked(essais, agent_voirie):
    """The title carries the mark; the snippet is the start of the body."""
    essais.index(page("1", "Budget 2026", "Document préparatoire."))

    hit = access_search(agent_voirie, "budget", kinds=[KIND]).groups[0].hits[0]

    assert hit.title_html == "<mark>Budget</mark> 2026"
    assert hit.snippet == "Document préparatoire."


def test_nothing_outside_the_searchers_scopes_is_found_or_counted(essais, agent_voirie):
    """Another scope's documents are neither hits nor in the count."""
    essais.scopes_by_username = {agent_voirie.username: ["space:voirie"]}
    essais.index(page("1", "Budget voirie", scope="space:voirie"))
    essais.index(page("2", "Budget finances", scope="space:finances"))

    results = access_search(agent_voirie, "budget", kinds=[KIND])

    assert [hit.object_id for hit in results.groups[0].hits] == ["1"]
    assert results.groups[0].count == 1


def test_the_exact_check_filters_before_counting_and_the_limit(essais, agent_voirie):
    """A source's ``visible`` drops what the agent may not read before the count and the
    limit: five hits of the fifteen readable, counted fifteen."""
    essais.visible = lambda agent, ids: {i for i in ids if int(i) % 2 == 1}
    essais.register()
    essais.index(*(page(str(n), f"Budget {n}") for n in range(30)))

    results = access_search(agent_voirie, "budget", kinds=[KIND], limit=5)

    group = results.groups[0]
    assert group.count == 15
    assert not group.more
    assert len(group.hits) == 5
    assert all(int(hit.object_id) % 2 == 1 for hit in group.hits)


def test_the_limit_cuts_the_hits_not_the_count(essais, agent_voirie):
    """Twelve matches, three shown, twelve counted."""
    essais.index(*(page(str(n), f"Voirie {n}") for n in range(12)))

    group = access_search(agent_voirie, "voirie", kinds=[KIND], limit=3).groups[0]

    assert (len(group.hits), group.count, group.count_label) == (3, 12, "12")


def test_a_count_beyond_the_cap_says_so(essais, agent_voirie):
    """More than the cap: « 1 000+ »."""
    essais.index(*(page(str(n), "Arrêté") for n in range(COUNT_CAP + 5)))

    group = access_search(agent_voirie, "arrêté", kinds=[KIND]).groups[0]

    assert group.more
    assert group.count == COUNT_CAP
    assert group.count_label in ("1 000+", "1\u202f000+", "1\xa0000+")


def test_ties_show_the_most_recently_changed_first(essais, agent_voirie):
    """Equal relevance: the newest first."""
    old = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    new = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    essais.index(page("ancien", "Voirie", updated_at=old), page("récent", "Voirie", updated_at=new))

    assert _ids(agent_voirie, "voirie") == ["récent", "ancien"]


def test_anonymous_people_get_nothing(essais, anonyme):
    """No account, no result."""
    essais.index(page("1", "Budget"))

    assert access_search(anonyme, "budget").empty


def test_a_suspended_agent_gets_nothing(essais, agent_voirie):
    """Suspended: no result, though the scopes would match."""
    essais.index(page("1", "Budget"))
    agent_voirie.status = Agent.Status.SUSPENDED
    agent_voirie.save()

    assert access_search(agent_voirie, "budget").empty


def test_an_updated_document_replaces_its_entry(essais, agent_voirie):
    """Indexing the same object again replaces its words."""
    essais.index(page("1", "Budget"))
    essais.index(page("1", "Voirie"))

    assert _ids(agent_voirie, "budget") == []
    assert _ids(agent_voirie, "voirie") == ["1"]
