"""Second factors at sign-in: forced enrolment by role, codes that expire or were already used,
recovery codes, throttling, and every change in the audit trail."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY

from beffroi.audit.models import AuditEvent
from beffroi.directory.models import Organisation
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

SIGN_IN = "/connexion/"
ENROL = "/compte/2fa/totp/activate/"
SECOND_STEP = "/compte/2fa/authenticate/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_for(secret: str, *, steps_ago: int = 0) -> str:
    """The code an authenticator app shows for ``secret`` now (or ``steps_ago`` periods ago)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_ago))


def require_second_factor_for(*roles: str) -> None:
    organisation = Organisation.current()
    organisation.second_factor_roles = list(roles)
    organisation.save()


def sign_in(client, username: str, password: str = DEFAULT_PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def confirm_password(client, password: str = DEFAULT_PASSWORD):
    """allauth asks for the password again before a change to second factors."""
    return client.post("/compte/reauthenticate/", {"password": password})


@pytest.fixture
def voirie_with_app(agent_voirie):
    """Karim of Voirie, who already uses an authenticator app (and has recovery codes)."""
    TOTP.activate(agent_voirie, SECRET)
    RecoveryCodes.activate(agent_voirie)
    return agent_voirie


def test_an_administrator_who_must_use_a_second_factor_is_sent_to_enrol(client, maire):
    """With "administrator" in the organisation's list, the mayor's next sign-in leads to the
    enrolment page, and every other page sends her back there until she has a second factor."""
    require_second_factor_for("administrator")

    response = sign_in(client, "maire")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(maire.pk)
    assert client.get("/").url == ENROL
    assert client.get("/profil/").url == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "Votre fonction exige un second facteur" in page.content.decode()
    assert not Authenticator.objects.filter(user=maire).exists()


def test_enrolling_an_app_lets_the_agent_in_and_is_audited(
    client, maire, django_capture_on_commit_callbacks
):
    """She scans the code, types the app's 6 digits: the app is active, recovery codes are
    made, the pages open again and the change is in the audit trail."""
    require_second_factor_for("administrator")
    sign_in(client, "maire")
    page = client.get(ENROL).content.decode()
    secret = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7]+)</code>', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ENROL, {"code": code_for(secret)})

    assert response.status_code == 302
    assert response.url == "/compte/2fa/recovery-codes/"
    types = set(Authenticator.objects.filter(user=maire).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/").status_code == 200
    change = AuditEvent.objects.get(action="directory.second_factor_changed")
    assert change.details == {"change": "totp_activated"}
    assert change.actor_id == maire.pk


def test_a_wrong_enrolment_code_is_refused_and_nothing_is_activated(client, maire):
    require_second_factor_for("administrator")
    sign_in(client, "maire")
    client.get(ENROL)

    response = client.post(ENROL, {"code": "000000"})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=maire).exists()
    assert client.get("/").url == ENROL


def test_agents_whose_role_is_not_listed_are_not_held(client, agent_voirie):
    """Only the roles listed are concerned: an agent of Voirie goes straight to Accueil."""
    require_second_factor_for("administrator")

    sign_in(client, "agent.voirie")

    assert client.get("/").status_code == 200


def test_an_enrolled_agent_must_give_a_code_after_the_password(client, voirie_with_app):
    """The password alone does not open the session: a code from the app is asked, and then
    the sign-in and the second step are both in the audit trail."""
    response = sign_in(client, "agent.voirie")

    assert response.status_code == 302
    assert response.url == SECOND_STEP
    assert SESSION_KEY not in client.session
    assert "Second facteur" in client.get(SECOND_STEP).content.decode()

    response = client.post(SECOND_STEP, {"code": code_for(SECRET)})

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[SESSION_KEY] == str(voirie_with_app.pk)
    passed = AuditEvent.objects.get(action="directory.second_factor_passed")
    assert passed.details == {"method": "totp"}
    assert AuditEvent.objects.filter(action="directory.sign_in").count() == 1


def test_an_expired_code_is_refused_in_french(client, voirie_with_app):
    """A code from five minutes ago no longer opens anything, and the page says why."""
    sign_in(client, "agent.voirie")

    response = client.post(SECOND_STEP, {"code": code_for(SECRET, steps_ago=10)})

    assert response.status_code == 200
    assert "Ce code est incorrect ou a expiré." in response.content.decode()
    assert SESSION_KEY not in client.session
    failure = AuditEvent.objects.get(action="directory.second_factor_failed")
    assert failure.details == {"username": "agent.voirie", "failures": 1}


def test_a_code_used_once_is_refused_the_second_time(client, voirie_with_app):
    """Someone who saw the code over the agent's shoulder cannot reuse it: the same code,
    still within its 30 seconds, is refused with a message saying it has already been used."""
    code = code_for(SECRET)
    sign_in(client, "agent.voirie")
    assert client.post(SECOND_STEP, {"code": code}).url == "/"
    client.post("/deconnexion/")

    sign_in(client, "agent.voirie")
    response = client.post(SECOND_STEP, {"code": code})

    assert response.status_code == 200
    assert "Ce code a déjà servi." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_recovery_code_works_once(client, voirie_with_app):
    """A lost phone: one recovery code opens the session, and that same code never again."""
    recovery = Authenticator.objects.get(
        user=voirie_with_app, type=Authenticator.Type.RECOVERY_CODES
    )
    spare = recovery.wrap().get_unused_codes()[0]
    sign_in(client, "agent.voirie")

    assert client.post(SECOND_STEP, {"code": spare}).url == "/"
    assert AuditEvent.objects.get(action="directory.second_factor_passed").details == {
        "method": "recovery_codes"
    }
    client.post("/deconnexion/")
    sign_in(client, "agent.voirie")
    response = client.post(SECOND_STEP, {"code": spare})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    recovery.refresh_from_db()
    assert spare not in recovery.wrap().get_unused_codes()


def test_repeated_wrong_codes_are_slowed_down(client, voirie_with_app, settings):
    """Guessing codes is throttled like guessing passwords: past the free attempts even the
    right code must wait, and the page gives the wait in seconds."""
    settings.SIGN_IN_FREE_ATTEMPTS = 2
    sign_in(client, "agent.voirie")
    for wrong in ("111111", "222222"):
        client.post(SECOND_STEP, {"code": wrong})

    response = client.post(SECOND_STEP, {"code": code_for(SECRET)})

    assert response.status_code == 200
    assert "Trop de tentatives. Réessayez dans" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="directory.second_factor_failed").count() == 2


def test_the_app_secret_is_not_stored_in_clear(voirie_with_app):
    """A copy of the database alone does not give away an agent's second factor."""
    stored = Authenticator.objects.get(user=voirie_with_app, type=Authenticator.Type.TOTP)

    assert SECRET not in str(stored.data)
    assert stored.data["secret"].startswith("aesgcm1:")
    assert stored.wrap().validate_code(code_for(SECRET))


def test_the_last_second_factor_of_a_required_role_cannot_be_removed(client, maire):
    """An administrator who must have a second factor cannot deactivate her only one."""
    require_second_factor_for("administrator")
    TOTP.activate(maire, SECRET)
    sign_in(client, "maire")
    client.post(SECOND_STEP, {"code": code_for(SECRET)})
    confirm_password(client)

    response = client.post("/compte/2fa/totp/deactivate/", follow=True)

    assert "Votre fonction exige un second facteur" in response.content.decode()
    assert Authenticator.objects.filter(user=maire, type=Authenticator.Type.TOTP).exists()


def test_deactivating_and_renewing_are_audited(
    client, voirie_with_app, django_capture_on_commit_callbacks
):
    """An agent free to do so deactivates the app after renewing recovery codes: both are in the
    audit trail, in order."""
    sign_in(client, "agent.voirie")
    client.post(SECOND_STEP, {"code": code_for(SECRET)})
    confirm_password(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/2fa/recovery-codes/generate/")
    client.post("/compte/2fa/totp/deactivate/")

    changes = list(
        AuditEvent.objects.filter(action="directory.second_factor_changed")
        .order_by("id")
        .values_list("details__change", flat=True)
    )
    assert changes == ["recovery_codes_generated", "totp_deactivated"]
    assert not Authenticator.objects.filter(user=voirie_with_app).exists()


def test_the_pages_of_second_factors_are_in_french(client, voirie_with_app):
    """The overview of second factors speaks French and names each one."""
    sign_in(client, "agent.voirie")
    client.post(SECOND_STEP, {"code": code_for(SECRET)})

    page = client.get("/compte/2fa/").content.decode()

    assert "<title>Seconds facteurs · Beffroi</title>" in page
    assert "Application d'authentification" in page
    assert "Clés d'accès et clés de sécurité" in page
    assert "Codes de secours" in page


def test_the_api_answers_a_held_agent_with_an_explained_refusal(client, maire):
    """A script riding the browser session of an agent who must enrol gets a 403 in the API's
    error shape, not a redirect to a page."""
    require_second_factor_for("administrator")
    sign_in(client, "maire")

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert response.json()["code"] == "etape_de_connexion_requise"
    assert "second facteur" in response.json()["message"]
