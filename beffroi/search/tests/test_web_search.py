"""The search page /recherche/: one box, results grouped by kind, marked snippets."""

from __future__ import annotations

from beffroi.search.tests.sources import page


def test_results_are_grouped_with_their_label_count_and_marks(client, agent_voirie, essais):
    """A query shows each kind's label, its count, and links with marked snippets."""
    essais.index(page("1", "Travaux rue Jean-Jaurès", "Les travaux <b>débutent</b> lundi."))
    client.force_login(agent_voirie)

    response = client.get("/recherche/", {"q": "travail"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'Essais <span class="search-group__count">(1)</span>' in html
    assert 'href="/essai/1/"' in html
    assert "<mark>Travaux</mark> rue Jean-Jaurès" in html
    assert "&lt;b&gt;débutent&lt;/b&gt;" in html
    assert "<b>débutent</b>" not in html


def test_the_page_without_a_query_shows_only_the_box(client, agent_voirie):
    """Nothing searched: the form, no result message."""
    client.force_login(agent_voirie)

    response = client.get("/recherche/")

    html = response.content.decode()
    assert 'id="recherche-q"' in html
    assert "Rien ne correspond" not in html


def test_punctuation_alone_finds_nothing_and_says_so(client, agent_voirie, essais):
    """« * » and « " » answer the empty message, not an error."""
    essais.index(page("1", "Budget"))
    client.force_login(agent_voirie)

    for text in ['"', "*", "NEAR", ":-"]:
        response = client.get("/recherche/", {"q": text})
        assert response.status_code == 200
        if text != "NEAR":
            assert "Rien ne correspond" in response.content.decode()


def test_one_kind_shows_more_hits(client, agent_voirie, essais):
    """« Voir les N résultats » opens the page of one kind with up to fifty hits."""
    essais.index(*(page(str(n), f"Voirie {n}") for n in range(12)))
    client.force_login(agent_voirie)

    everything = client.get("/recherche/", {"q": "voirie"}).content.decode()
    one_kind = client.get("/recherche/", {"q": "voirie", "type": "essai"}).content.decode()

    assert everything.count('class="search-hit"') == 5
    assert "type=essai" in everything
    assert one_kind.count('class="search-hit"') == 12


def test_anonymous_people_are_sent_to_sign_in(client):
    """The page needs an account."""
    response = client.get("/recherche/", {"q": "budget"})

    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_every_page_has_the_search_box_in_its_header(client, agent_voirie):
    """The header of the home page holds a search form pointing to /recherche/."""
    client.force_login(agent_voirie)

    html = client.get("/").content.decode()

    assert 'action="/recherche/"' in html
    assert 'id="recherche-entete"' in html
