"""HTTP Basic on the API with an app password (Done when 5): it works, it stops working once
revoked or outside its scopes, and its clear text is never stored nor logged."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.core.logs import JsonFormatter, RequestContextFilter
from beffroi.directory import actions
from beffroi.directory.models import AppPassword
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

ME = "/api/v1/me"
PAGE = "/profil/mots-de-passe-applications/"
PHONE = "192.0.2.44"
SECRET_IN_PAGE = re.compile(r'<code class="secret" id="nouveau-mot-de-passe">([a-z0-9-]+)</code>')


def basic(username: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def _me(username: str, secret: str, **extra) -> object:
    return Client(REMOTE_ADDR=PHONE).get(ME, headers=basic(username, secret), **extra)


def _unauthorised(response, message: str) -> None:
    assert response.status_code == 401
    assert response.json() == {"code": "non_authentifie", "message": message, "fields": {}}


WRONG = "Identifiant ou mot de passe d'application incorrect, révoqué, ou sans l'usage « API »."


def test_an_app_password_signs_an_api_call(agent_voirie):
    """GET /api/v1/me with HTTP Basic answers as the agent and notes the use."""
    app_password, secret = actions.do_create_app_password(agent_voirie, "script", ["api"])

    response = _me("agent.voirie", secret)

    assert response.status_code == 200
    assert response.json()["username"] == "agent.voirie"
    app_password.refresh_from_db()
    assert app_password.last_used_address == PHONE
    assert app_password.last_used_at is not None


def test_a_revoked_app_password_is_refused(agent_voirie):
    """After revocation the very next call gets 401 in the API's error shape."""
    app_password, secret = actions.do_create_app_password(agent_voirie, "script", ["api"])
    assert _me("agent.voirie", secret).status_code == 200

    actions.do_revoke_app_password(app_password, acting=agent_voirie)
    response = _me("agent.voirie", secret)

    _unauthorised(response, WRONG)
    assert response["WWW-Authenticate"]


def test_an_app_password_without_the_api_scope_is_refused(agent_voirie):
    """An app password made for files and calendars does not open the API."""
    _app_password, secret = actions.do_create_app_password(
        agent_voirie, "DAVx5", ["files", "calendars", "mail"]
    )

    _unauthorised(_me("agent.voirie", secret), WRONG)
    failed = AuditEvent.objects.get(action="directory.sign_in_failed")
    assert failed.details["channel"] == "app-password:api"


def test_the_account_password_is_not_an_app_password(agent_voirie):
    """HTTP Basic on the API takes app passwords only, never the account password."""
    _unauthorised(_me("agent.voirie", DEFAULT_PASSWORD), WRONG)


@pytest.mark.parametrize(
    "header",
    ["Basic !!!notbase64", "Basic " + base64.b64encode(b"\xff\xfe:x").decode(), "Basic"],
)
def test_a_malformed_basic_header_is_a_401(db, header):
    """A header that does not decode gets the usual 401, not a server error."""
    response = Client().get(ME, headers={"Authorization": header})

    _unauthorised(response, WRONG)


def test_basic_is_refused_without_tls_in_production(agent_voirie, settings):
    """In production HTTP Basic over plain HTTP is refused before the secret is checked;
    the same call over HTTPS works."""
    settings.PRODUCTION = True
    _app_password, secret = actions.do_create_app_password(agent_voirie, "script", ["api"])

    refused = _me("agent.voirie", secret)
    accepted = _me("agent.voirie", secret, secure=True)

    assert refused.status_code == 403
    assert refused.json()["code"] == "https_obligatoire"
    assert "HTTPS" in refused.json()["message"]
    assert not AuditEvent.objects.filter(action="directory.sign_in_failed").exists()
    assert accepted.status_code == 200


@pytest.fixture
def every_log_line(settings) -> Iterator[io.StringIO]:
    """Everything any logger writes, at DEBUG level, in the JSON format of production, with
    DEBUG on (where third-party code is the most talkative)."""
    settings.DEBUG = True
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    previous = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    for name in ("beffroi.access", "django.db.backends", "django.request", "ninja"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield captured
    finally:
        for logger, level in previous:
            logger.removeHandler(handler)
            logger.setLevel(level)


def _every_stored_value() -> str:
    """Every row of every table, as text."""
    return "\n".join(
        json.dumps(list(model._default_manager.values()), default=str, ensure_ascii=False)
        for model in apps.get_models()
    )


def test_the_secret_is_never_stored_nor_logged(agent_voirie, every_log_line):
    """Through the whole life of an app password (created on the web page, used, mistyped,
    revoked, refused), the clear secret appears in no table and no log line, the JSON access
    log included; only the page that creates it shows it."""
    browser = Client(REMOTE_ADDR=PHONE)
    browser.force_login(agent_voirie)
    page = browser.post(PAGE, {"label": "Script de sauvegarde", "scopes": ["api", "files"]})
    secret = SECRET_IN_PAGE.search(page.content.decode()).group(1)
    app_password = AppPassword.objects.get(agent=agent_voirie)

    assert _me("agent.voirie", secret).status_code == 200
    assert _me("agent.voirie", secret.upper().replace("-", "")).status_code == 200
    assert _me("agent.inconnu", secret).status_code == 401
    browser.post(f"{PAGE}{app_password.pk}/revoquer/")
    assert _me("agent.voirie", secret).status_code == 401

    logs = every_log_line.getvalue()
    access_lines = [
        json.loads(line) for line in logs.splitlines() if '"logger": "beffroi.access"' in line
    ]
    assert {line["path"] for line in access_lines} >= {ME, PAGE}
    assert any(line["agent"] == str(agent_voirie.pk) for line in access_lines)
    assert '"logger": "django.db.backends"' in logs  # the capture saw even SQL at DEBUG level
    stored = _every_stored_value()
    for form in (secret, secret.replace("-", ""), secret.upper().replace("-", "")):
        assert form not in logs
        assert form not in stored
        encoded = base64.b64encode(f"agent.voirie:{form}".encode()).decode()
        assert encoded not in logs
    assert AuditEvent.objects.filter(action="directory.app_password_created").exists()
    assert AuditEvent.objects.filter(action="directory.sign_in_failed").exists()
