"""The whole API under generated requests (schemathesis + hypothesis), in process.

Whatever a client sends, valid or not, as a script with a personal token, as a signed-in browser
or as a stranger: no 5xx, and every answer (status, content type, body, headers) is one the
OpenAPI document declares. All of schemathesis' checks run, among them not_a_server_error,
status_code_conformance, response_schema_conformance, negative_data_rejection and ignored_auth
(a credential the test did not supply never opens anything).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection

from beffroi.directory import actions
from beffroi.directory.models import Agent, ApiToken

# Loaded at import: schemathesis' lazy fixture loader does not work with pytest 9. Serving the
# document touches no table, so no database is needed yet.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.hook
def filter_body(context, body) -> bool:
    """Werkzeug's test encoder drops the line break that closes an empty file part, so the
    application would receive no file at all; a real client's empty file is tested on its own
    (test_an_empty_file_is_a_file_in_the_api in files)."""
    if not isinstance(body, dict):
        return True
    content = getattr(body.get("file"), "data", body.get("file"))
    return content not in (b"", "")


FUZZ = settings(
    max_examples=30,
    deadline=None,
    # The database fixtures are function-scoped on purpose: examples share one test transaction.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class PersonalToken:
    """Schemathesis auth provider: a fresh token of the test's agent for every example, so that
    an example revoking its own token disarms none of the next ones."""

    agent: ClassVar[Agent | None] = None

    def get(self, case, context) -> str:
        assert self.agent is not None
        _token, clear_text = actions.do_create_api_token(self.agent, "schemathesis")
        return clear_text

    def set(self, case, clear_text: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {clear_text}"}


class SignedInBrowser:
    """Schemathesis auth provider: the session cookie of the test's agent, with the CSRF cookie
    and the header that the pages' script sends back."""

    cookies: ClassVar[dict[str, str]] = {}

    def get(self, case, context) -> dict[str, str]:
        return self.cookies

    def set(self, case, cookies: dict[str, str], context) -> None:
        case.cookies = {**(case.cookies or {}), **cookies}
        case.headers = {
            **(case.headers or {}),
            "X-CSRFToken": cookies[django_settings.CSRF_COOKIE_NAME],
        }


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close, at the end of each
    request, the connection that holds the test's transaction (PostgreSQL would lose it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def script(agent_voirie, monkeypatch) -> Agent:
    monkeypatch.setattr(PersonalToken, "agent", agent_voirie)
    return agent_voirie


@pytest.fixture
def browser(agent_voirie, monkeypatch) -> Agent:
    client = Client()
    client.force_login(agent_voirie)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    cookies = {
        django_settings.SESSION_COOKIE_NAME: session,
        django_settings.CSRF_COOKIE_NAME: get_random_string(32),
    }
    monkeypatch.setattr(SignedInBrowser, "cookies", cookies)
    return agent_voirie


def _aim_at_a_real_token(case, agent: Agent) -> ApiToken | None:
    """Point a well-formed DELETE at one of the agent's live tokens, so that revocation itself
    is exercised, not only the 404 of a random id."""
    try:
        uuid.UUID(str(case.path_parameters.get("token_id")))
    except ValueError:
        return None
    victim, _clear_text = actions.do_create_api_token(agent, "cible")
    case.path_parameters["token_id"] = str(victim.id)
    return victim


def _call_and_check(case, data, agent: Agent | None) -> None:
    # Schemathesis also probes with forged credentials (its ignored_auth check); the slowdown
    # they cause is tested on its own and would otherwise answer 429 to what follows.
    cache.clear()
    victim = None
    if agent is not None and case.method == "DELETE" and data.draw(st.booleans()):
        victim = _aim_at_a_real_token(case, agent)

    response = case.call()
    # Data that breaks the schema AND is larger than the server takes is refused with 413
    # before being read: a rejection all the same, which schemathesis does not count as one.
    skipped = [negative_data_rejection] if response.status_code == 413 else []
    case.validate_response(response, excluded_checks=skipped)

    if response.status_code == 201 and case.path == "/api/v1/me/tokens":
        assert ApiToken.objects.filter(pk=response.json()["id"], agent=agent).exists()
    if victim is not None:
        victim.refresh_from_db()
        assert (victim.revoked_at is not None) == (response.status_code == 204)


@schema.auth.apply(PersonalToken, refresh_interval=None)
@schema.given(data=st.data())
@schema.parametrize()
@FUZZ
def test_a_script_with_a_token_gets_documented_answers(case, data, script):
    """With a personal token: no 5xx, and every answer is one the document declares."""
    _call_and_check(case, data, script)


@schema.auth.apply(SignedInBrowser, refresh_interval=None)
@schema.given(data=st.data())
@schema.parametrize()
@FUZZ
def test_a_signed_in_browser_gets_documented_answers(case, data, browser):
    """With the web session and its CSRF token: no 5xx, and every answer is documented."""
    _call_and_check(case, data, browser)


@schema.given(data=st.data())
@schema.parametrize()
@FUZZ
def test_a_stranger_gets_documented_answers(case, data, db):
    """With no credential but those schemathesis makes up: no 5xx, nothing opens, and every
    answer is documented."""
    _call_and_check(case, data, None)
