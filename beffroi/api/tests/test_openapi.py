"""GET /api/v1/openapi.json: the API describes itself, and the description holds."""

from __future__ import annotations

from django.test import Client
from openapi_spec_validator import validate

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}


def _document() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_3():
    """The generated document passes the OpenAPI 3 validator."""
    document = _document()

    validate(document)
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/health",
        "/api/v1/me",
        "/api/v1/me/tokens",
        "/api/v1/me/tokens/{token_id}",
        "/api/v1/agents",
        "/api/v1/agents/{agent_id}",
        "/api/v1/departments",
    } <= set(document["paths"])


def test_every_error_an_operation_declares_has_the_error_shape():
    """Each 4xx an operation documents is described by the one ErrorOut schema."""
    document = _document()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == ERROR_SCHEMA, (method, path, status)


def test_every_operation_needing_a_credential_declares_401_and_429():
    """Whatever needs a session or a token says it may answer 401 and 429."""
    document = _document()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                assert {"401", "429"} <= set(operation["responses"]), (method, path)


def test_every_unsafe_operation_declares_the_csrf_refusal():
    """POST and DELETE can be refused for a missing CSRF token, and say so (403)."""
    document = _document()

    for path, operations in document["paths"].items():
        for method in operations.keys() & {"post", "put", "patch", "delete"}:
            assert "403" in operations[method]["responses"], (method, path)
