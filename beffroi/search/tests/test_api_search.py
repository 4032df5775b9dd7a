"""GET /api/v1/search: the same search as the page, as JSON documented in the schema."""

from __future__ import annotations

from beffroi.search.tests.sources import page


def test_the_api_returns_groups_hits_and_counts(client, agent_voirie, essais):
    """Each group has its label and count; each hit its snippet with <mark>."""
    essais.index(page("1", "Compte rendu", "Les travaux de voirie."), page("2", "Autre", "Rien."))
    client.force_login(agent_voirie)

    response = client.get("/api/v1/search", {"q": "travail"})

    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "travail"
    [group] = [g for g in body["groups"] if g["label"] == "Essais"]
    assert (group["count"], group["more"], group["count_label"]) == (1, False, "1")
    [hit] = group["hits"]
    assert hit["object_id"] == "1"
    assert hit["url"] == "/essai/1/"
    assert "<mark>travaux</mark>" in hit["snippet"]


def test_the_kind_filter_and_the_limit_apply(client, agent_voirie, essais):
    """``kind`` keeps one kind; ``limit`` cuts the hits, not the count."""
    essais.index(*(page(str(n), f"Voirie {n}") for n in range(5)))
    client.force_login(agent_voirie)

    body = client.get("/api/v1/search", {"q": "voirie", "kind": "agent", "limit": 2}).json()
    assert [g["kind"] for g in body["groups"]] in ([], ["agent"])


def test_a_limit_out_of_bounds_is_refused_with_a_clear_error(client, agent_voirie):
    """``limit=0`` or ``limit=51``: 422 naming the field."""
    client.force_login(agent_voirie)

    for limit in (0, 51):
        response = client.get("/api/v1/search", {"q": "budget", "limit": limit})
        assert response.status_code == 422
        assert "limit" in response.json()["fields"]


def test_an_unknown_kind_is_refused(client, agent_voirie):
    """``kind=bateau``: 422."""
    client.force_login(agent_voirie)

    assert client.get("/api/v1/search", {"q": "budget", "kind": "bateau"}).status_code == 422


def test_punctuation_and_operators_answer_an_empty_list(client, agent_voirie, essais):
    """« " », « * », « : » and « - »: 200 with no group."""
    essais.index(page("1", "Budget"))
    client.force_login(agent_voirie)

    for text in ['"', "*", ":", "-", '"*"']:
        response = client.get("/api/v1/search", {"q": text})
        assert response.status_code == 200
        assert response.json()["groups"] == []


def test_anonymous_callers_are_refused(client):
    """No credential: 401 in the API's error shape."""
    response = client.get("/api/v1/search", {"q": "budget"})

    assert response.status_code == 401
    assert response.json()["code"]


def test_the_endpoint_is_in_the_openapi_schema(client):
    """The schema documents the endpoint and its parameters."""
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/search"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"q", "kind", "limit"}
