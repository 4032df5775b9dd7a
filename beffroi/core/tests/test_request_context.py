"""Each request has an id, echoed in X-Request-ID and written in one JSON access-log line."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client

from beffroi.core.logs import JsonFormatter


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/health", "/api/v1/me", "/nulle-part/"])
def test_every_response_carries_a_request_id(db, path):
    """Success or error, API or web, the answer names its request."""
    response = Client().get(path)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_well_formed_incoming_request_id_is_kept(db):
    """The id given by the proxy in front is kept, so both logs can be joined."""
    response = Client().get("/healthz", headers={"X-Request-ID": "proxy-4f2a-9c31.b7"})

    assert response["X-Request-ID"] == "proxy-4f2a-9c31.b7"


@pytest.mark.parametrize("incoming", ["court", "avec espace 123", "x" * 65, "id\r\nforgé: 1"])
def test_a_malformed_incoming_request_id_is_replaced(db, incoming):
    """Too short, too long or with stray characters, the incoming id is not trusted."""
    response = Client().get("/healthz", headers={"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_access_log_is_one_json_line_without_the_query_string(db, caplog):
    """The access line has the id, method, path, status and duration, and never the query
    string, which may carry secrets."""
    caplog.set_level(logging.INFO, logger="beffroi.access")

    response = Client().get("/healthz?token=bfr_secret_value", headers={"X-Request-ID": "a" * 16})

    [record] = [record for record in caplog.records if record.name == "beffroi.access"]
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "bfr_secret_value" not in line
    entry = json.loads(line)
    assert entry["request_id"] == response["X-Request-ID"] == "a" * 16
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float)
    assert entry["duration_ms"] >= 0
    assert entry["logger"] == "beffroi.access"
    assert entry["level"] == "info"


def test_access_log_names_the_signed_in_agent(agent_voirie, caplog):
    """The line says which agent made the request (by id, never by name)."""
    caplog.set_level(logging.INFO, logger="beffroi.access")
    client = Client()
    client.force_login(agent_voirie)

    client.get("/api/v1/me")

    [record] = [record for record in caplog.records if record.name == "beffroi.access"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["agent"] == str(agent_voirie.id)
    assert entry["status"] == 200
