"""Bad requests to the API get a clear error in the shape {code, message, fields}, never a 500
or an HTML page."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from beffroi.directory.models import Agent, ApiToken


def _error(response) -> dict[str, object]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    return body


@pytest.fixture
def browser(agent_voirie: Agent) -> tuple[Client, dict[str, str]]:
    """A browser signed in as the roads agent, and the CSRF header its script sends."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_voirie)
    csrf = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    return client, {"X-CSRFToken": csrf}


def test_malformed_json_is_a_400(browser):
    """A body that is not JSON is a 400 `requete_invalide`, and nothing is created."""
    client, csrf = browser

    response = client.post(
        "/api/v1/me/tokens", '{"label": "oublié', content_type="application/json", headers=csrf
    )

    assert response.status_code == 400
    assert _error(response) == {
        "code": "requete_invalide",
        "message": "La requête est mal formée.",
        "fields": {},
    }
    assert not ApiToken.objects.exists()


def test_json_that_is_not_an_object_is_a_422(browser):
    """Valid JSON of the wrong kind (a list) is refused as invalid data."""
    client, csrf = browser

    response = client.post(
        "/api/v1/me/tokens", "[1, 2]", content_type="application/json", headers=csrf
    )

    assert response.status_code == 422
    assert _error(response)["code"] == "donnees_invalides"
    assert not ApiToken.objects.exists()


def test_body_over_the_configured_limit_is_a_413(browser, settings):
    """A body larger than MAX_REQUEST_BODY_BYTES is refused before it is read."""
    client, csrf = browser
    settings.MAX_REQUEST_BODY_BYTES = 1024
    body = json.dumps({"label": "x" * 2000})

    response = client.post("/api/v1/me/tokens", body, content_type="application/json", headers=csrf)

    assert response.status_code == 413
    assert _error(response) == {
        "code": "corps_trop_volumineux",
        "message": "Le corps de la requête dépasse la taille autorisée.",
        "fields": {},
    }
    assert not ApiToken.objects.exists()


def test_body_over_djangos_own_limit_is_also_a_413(browser, settings):
    """Should Django's DATA_UPLOAD_MAX_MEMORY_SIZE be the smaller limit, its refusal
    (RequestDataTooBig) gets the same 413."""
    client, csrf = browser
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"label": "x" * 2000})

    response = client.post("/api/v1/me/tokens", body, content_type="application/json", headers=csrf)

    assert response.status_code == 413
    assert _error(response)["code"] == "corps_trop_volumineux"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/nulle-part", "/api/v1/", "/api/v1/docs", "/api/v2/me", "/api/"]
)
def test_unknown_address_under_the_api_is_a_json_404(db, path):
    """An address no endpoint answers is a 404 in the error shape, not the web 404 page."""
    response = Client().get(path)

    assert response.status_code == 404
    assert _error(response) == {
        "code": "introuvable",
        "message": "Cette adresse ne correspond à aucune ressource de l'API.",
        "fields": {},
    }


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/me", "GET"),
        ("patch", "/api/v1/me/tokens", "GET, POST"),
        ("get", "/api/v1/me/tokens/7f2c51c5-3c1e-4d3f-9e3a-2b0a8f6a1d11", "DELETE"),
    ],
)
def test_wrong_method_is_a_405_that_names_the_allowed_ones(agent_voirie, method, path, allowed):
    """A method an address does not take is a 405 in the error shape, with the Allow header."""
    client = Client()
    client.force_login(agent_voirie)

    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert _error(response) == {
        "code": "methode_non_autorisee",
        "message": "Cette méthode n'est pas permise sur cette adresse.",
        "fields": {},
    }
    assert sorted(response["Allow"].split(", ")) == allowed.split(", ")


def test_content_length_that_is_not_a_number_is_a_400(browser):
    """A Content-Length header that is not a number is refused before the body is read."""
    client, csrf = browser

    response = client.post(
        "/api/v1/me/tokens",
        '{"label": "x"}',
        content_type="application/json",
        headers=csrf,
        CONTENT_LENGTH="douze",
    )

    assert response.status_code == 400
    assert _error(response)["code"] == "requete_invalide"
    assert not ApiToken.objects.exists()
