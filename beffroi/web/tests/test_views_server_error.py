"""An unexpected failure shows a plain French page, even when the database is what failed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import path


def failing_view(request):
    raise DatabaseError("la base ne répond plus")


urlpatterns = [path("panne/", failing_view)]
handler500 = "django.views.defaults.server_error"


@pytest.mark.urls("beffroi.web.tests.test_views_server_error")
def test_a_database_failure_shows_the_french_error_page(db):
    client = Client(raise_request_exception=False)

    response = client.get("/panne/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Erreur inattendue" in page
    assert "la base ne répond plus" not in page
