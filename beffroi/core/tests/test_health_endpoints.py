"""/healthz and /readyz: what a load balancer asks before sending people to this node."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import OperationalError
from django.test import Client

from beffroi.core import views


def test_healthz_answers_while_the_process_runs():
    """Liveness needs nothing but the process, and is never cached."""
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_when_database_and_storage_answer(db, tmp_path):
    """With the database and the blob storage working, the node is ready, and the storage
    probe leaves nothing behind."""
    response = Client().get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert set(body["checks"].values()) == {"ok"}
    assert default_storage.listdir("readyz") == ([], [])


def test_readyz_is_503_naming_the_storage_when_it_is_gone(db, settings, tmp_path):
    """Blobs directory unusable (here, its parent is a plain file): 503 naming the storage."""
    blocker = tmp_path / "volume-non-monte"
    blocker.write_text("")
    storage = dict(settings.STORAGES["default"])
    storage["BACKEND"] = "django.core.files.storage.FileSystemStorage"
    storage["OPTIONS"] = {"location": blocker / "blobs"}
    settings.STORAGES = {**settings.STORAGES, "default": storage}

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "indisponible"
    assert body["checks"]["storage"] == "indisponible"
    assert body["checks"]["database"] == "ok"


def test_readyz_is_503_naming_the_database_when_it_fails(db, monkeypatch):
    """A database that does not answer makes the node not ready, and the answer says which."""

    def database_down() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "_check_database", database_down)

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "indisponible"
    assert body["checks"]["database"] == "indisponible"
    assert body["checks"]["storage"] == "ok"
