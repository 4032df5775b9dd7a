"""Hold a signed-in agent on the page they must go through before anything else.

- An agent whose password was reset by an administrator (``must_change_password``) sees only the
  password-change page until they have chosen their own.
- An agent whose role requires a second factor (``Organisation.second_factor_roles``) and who
  signed in without one sees only the enrolment pages (authenticator app, passkey) until they
  have one. The rule is taken at sign-in (see ``SignInAdapter.post_login``): it applies from the
  next sign-in after an administrator turns it on, as the console says.

It also lists each session among the agent's sessions (allauth's ``UserSession``) the first time
it is seen, whatever opened it, so that every session can be listed and ended; and it hides
allauth's password-reset pages (404) when no mail relay is configured (``OUTBOUND_MAIL_ENABLED``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.directory import actions
from beffroi.directory.models import Agent
from beffroi.directory.signin import policy
from beffroi.directory.signin.adapter import ENROLMENT_SESSION_KEY

Handler = Callable[[HttpRequest], HttpResponseBase]

# Pages open to an agent held for a password change, and for a second-factor enrolment.
_ALWAYS_OPEN = frozenset({"account_logout", "web:sign_out", "set_language"})
PASSWORD_CHANGE_PAGES = _ALWAYS_OPEN | {"account_change_password"}
ENROLMENT_PAGES = _ALWAYS_OPEN | {
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
}
# allauth's password-reset pages, which exist only when mail can go out (BEFFROI_SMTP_URL).
PASSWORD_RESET_PAGES = frozenset(
    {
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_password_reset_code",
        "account_complete_password_reset",
        "account_password_reset_completed",
    }
)
_TRACKED_SESSION_KEY = "beffroi_listed_session"


class SignInRequirementsMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        page = match.view_name if match is not None else ""
        if page in PASSWORD_RESET_PAGES and not settings.OUTBOUND_MAIL_ENABLED:
            raise Http404
        agent = getattr(request, "user", None)
        if not isinstance(agent, Agent):
            return None
        _list_session(request)
        if agent.must_change_password:
            if page in PASSWORD_CHANGE_PAGES:
                return None
            return _hold(
                request,
                "account_change_password",
                _("Choisissez votre propre mot de passe avant de continuer."),
            )
        if request.session.get(ENROLMENT_SESSION_KEY):
            if policy.has_second_factor(agent):
                del request.session[ENROLMENT_SESSION_KEY]
                return None
            if page in ENROLMENT_PAGES:
                return None
            return _hold(
                request,
                "mfa_activate_totp",
                _("Votre fonction exige un second facteur : activez-en un avant de continuer."),
            )
        return None


def _list_session(request: HttpRequest) -> None:
    key = request.session.session_key
    if key and request.session.get(_TRACKED_SESSION_KEY) != key:
        actions.do_note_session(request)
        request.session[_TRACKED_SESSION_KEY] = key


def _hold(request: HttpRequest, page: str, message: str) -> HttpResponseBase:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "etape_de_connexion_requise", "message": message, "fields": {}}, status=403
        )
    return HttpResponseRedirect(reverse(page))
