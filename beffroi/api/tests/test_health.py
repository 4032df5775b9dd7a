"""GET /api/v1/health: a monitoring probe needs no credential."""

from __future__ import annotations

from django.test import Client

import beffroi


def test_health_answers_without_credential():
    """Anyone gets the status and version of the API, with no session and no token."""
    response = Client().get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": beffroi.__version__}
