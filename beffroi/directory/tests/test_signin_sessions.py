"""Sessions: an agent sees where they are signed in and ends any session; an administrator ends
all of them, whatever engine keeps sessions."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.directory import actions
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

SESSIONS = "/compte/sessions/"


def signed_in_browser(username: str, browser: str) -> Client:
    """A browser that signed in through the sign-in page."""
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post("/connexion/", {"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def test_the_agent_sees_each_browser_where_they_are_signed_in(db, agent_voirie):
    desk = signed_in_browser("agent.voirie", "Firefox bureau")
    signed_in_browser("agent.voirie", "Téléphone Android")

    page = desk.get(SESSIONS).content.decode()

    assert "<title>Sessions ouvertes · Beffroi</title>" in page
    assert "Firefox bureau" in page
    assert "Téléphone Android" in page
    assert "Cette session" in page
    assert UserSession.objects.filter(user=agent_voirie).count() == 2


def test_ending_one_session_signs_that_browser_out_only(db, agent_voirie):
    """The agent ends the session of a lost phone: the phone is signed out, the desk is not,
    and the audit trail says which session ended."""
    desk = signed_in_browser("agent.voirie", "Firefox bureau")
    phone = signed_in_browser("agent.voirie", "Téléphone Android")
    lost = UserSession.objects.get(user=agent_voirie, user_agent="Téléphone Android")

    response = desk.post(f"/profil/securite/sessions/{lost.pk}/terminer/", follow=True)

    assert "La session est terminée" in response.content.decode()
    assert phone.get("/").status_code == 302
    assert SESSION_KEY not in phone.session
    assert desk.get("/").status_code == 200
    ended = AuditEvent.objects.get(action="directory.session_ended")
    assert ended.details["browser"] == "Téléphone Android"


def test_nobody_ends_another_agents_session(db, agent_voirie, agent_finances):
    """Someone else's session answers as a session that no longer exists, and stays open."""
    theirs = signed_in_browser("agent.finances", "Firefox finances")
    mine = signed_in_browser("agent.voirie", "Firefox voirie")
    other = UserSession.objects.get(user=agent_finances)

    response = mine.post(f"/profil/securite/sessions/{other.pk}/terminer/", follow=True)

    assert "Cette session est déjà terminée." in response.content.decode()
    assert theirs.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="directory.session_ended").exists()


def test_ending_every_other_session_keeps_this_one(db, agent_voirie):
    desk = signed_in_browser("agent.voirie", "Firefox bureau")
    phone = signed_in_browser("agent.voirie", "Téléphone Android")
    tablet = signed_in_browser("agent.voirie", "Tablette")

    desk.post("/profil/securite/sessions/terminer-les-autres/")

    assert desk.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert tablet.get("/").status_code == 302
    event = AuditEvent.objects.get(action="directory.sessions_ended", actor_id=agent_voirie.pk)
    assert event.details["sessions"] == 2


def test_the_administrator_ends_all_sessions_of_an_agent(db, agent_voirie, maire):
    """Every session ends, including one opened without the sign-in page (listed on its first
    request), and the count is in the audit trail."""
    desk = signed_in_browser("agent.voirie", "Firefox bureau")
    script = Client()
    script.force_login(agent_voirie)
    assert script.get("/").status_code == 200

    ended = actions.do_end_all_sessions(agent_voirie, acting=maire)

    assert ended == 2
    assert desk.get("/").status_code == 302
    assert script.get("/").status_code == 302
    assert not UserSession.objects.filter(user=agent_voirie).exists()
    event = AuditEvent.objects.get(action="directory.sessions_ended")
    assert event.details == {"sessions": 2}


def test_the_security_page_links_password_second_factors_and_sessions(db, agent_voirie):
    desk = signed_in_browser("agent.voirie", "Firefox bureau")
    signed_in_browser("agent.voirie", "Téléphone Android")

    page = desk.get("/profil/securite/").content.decode()

    assert "<title>Sécurité du compte · Beffroi</title>" in page
    assert 'href="/compte/password/change/"' in page
    assert 'href="/compte/2fa/"' in page
    assert 'href="/compte/sessions/"' in page
    assert "sur 1 autre appareil ou navigateur" in page
    assert 'href="/profil/securite/"' in desk.get("/profil/").content.decode()
