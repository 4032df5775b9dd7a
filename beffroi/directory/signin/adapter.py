"""allauth's adapters: the seams where allauth hands its decisions to Beffroi.

- ``SignInAdapter`` (accounts): passwords are checked by ``access.authenticate_password`` only;
  nobody signs up; ``next`` stays on this site; suspended and departed agents are stopped
  whatever the way in; the sign-in is audited, the agent's language applied, and an agent whose
  role requires a second factor they lack is marked for enrolment.
- ``SecondFactorAdapter`` (MFA): French messages, TOTP secrets encrypted at rest, the last second
  factor of an agent who must have one cannot be removed, and every change is audited.
- ``ExternalSignInAdapter`` (the organisation's OIDC provider): an identity is tied to the one
  agent with its e-mail address; strangers are turned away.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from beffroi.core import outbound
from beffroi.core.errors import NotAuthenticated, TooManyAttempts
from beffroi.directory import access, actions
from beffroi.directory.actions.security import SECOND_FACTOR_CHANGES
from beffroi.directory.models import Agent
from beffroi.directory.signin import policy
from beffroi.directory.signin.forms import too_many_attempts

# Set at sign-in for an agent whose role requires a second factor they have not enrolled yet;
# ``SignInRequirementsMiddleware`` keeps them on the enrolment pages until they have one.
ENROLMENT_SESSION_KEY = "beffroi_second_factor_enrolment"


class SignInAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("Identifiant ou mot de passe incorrect."),
        "enter_current_password": _("Ce n'est pas votre mot de passe actuel."),
        "incorrect_password": _("Mot de passe incorrect."),
        "account_inactive": _("Ce compte ne peut pas se connecter."),
        "too_many_login_attempts": _("Trop de tentatives. Réessayez dans quelques instants."),
        "rate_limited": _("Trop de demandes en peu de temps. Patientez un instant."),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as every other part of Beffroi sees it: REMOTE_ADDR, which
        ``beffroi serve`` rewrites from X-Forwarded-For for trusted proxies only
        (BEFFROI_TRUSTED_PROXIES). A harness that sets none gets the unspecified address."""
        return str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104 - not a bind

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are created by the administrators (console, import), never by visitors."""
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """The password check of every allauth form, through the project's one function."""
        return self._check_password(
            request,
            str(credentials.get("username") or ""),
            str(credentials.get("password") or ""),
            channel="web",
        )

    def reauthenticate(self, user: AbstractBaseUser, password: str) -> bool:
        """The password typed again before a sensitive change (same checks, own channel)."""
        agent = self._check_password(
            context.request, user.get_username(), password, channel="web-confirmation"
        )
        return agent is not None and agent.pk == user.pk

    def _check_password(
        self, request: HttpRequest, username: str, password: str, *, channel: str
    ) -> Agent | None:
        try:
            return access.authenticate_password(
                username,
                password,
                channel=channel,
                address=self.get_client_ip(request),
                request=request,
            )
        except TooManyAttempts as error:
            raise too_many_attempts(error) from None
        except NotAuthenticated:
            return None

    def is_safe_url(self, url: str) -> bool:
        """``next`` may only lead to a page of this very site."""
        request = context.request
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def pre_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> Any:
        """Stop suspended and departed agents here too: a passkey or the organisation's provider
        proves who they are, not that they may still come in."""
        if isinstance(user, Agent) and not user.can_sign_in:
            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> Any:
        response = super().post_login(request, user, **kwargs)
        if not isinstance(user, Agent):
            return response
        self._audit_sign_in(request, user)
        if policy.second_factor_required(user) and not policy.has_second_factor(user):
            request.session[ENROLMENT_SESSION_KEY] = True
            self._count_password_as_confirmation(request, user)
        if isinstance(response, HttpResponse):
            _remember_language(response, user.language)
        return response

    def _count_password_as_confirmation(self, request: HttpRequest, agent: Agent) -> None:
        """allauth asks for the password again before adding a second factor; an agent sent
        to enrol right after typing it is not asked twice in the same minute."""
        records = get_authentication_records(request, agent)
        if records and records[0].get("method") == "password":
            record_authentication(request, agent, method="password", reauthenticated=True)

    def _audit_sign_in(self, request: HttpRequest, agent: Agent) -> None:
        """Passwords are audited by ``authenticate_password``; the other ways in are here."""
        records = get_authentication_records(request, agent)
        first = records[0] if records else {}
        if first.get("method") == "socialaccount":
            channel = "oidc"
        elif first.get("method") == "mfa" and first.get("passwordless"):
            channel = "passkey"
        else:
            return
        actions.do_record_sign_in(agent, channel=channel, address=self.get_client_ip(request))

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """allauth's flows call this once for every second-factor change (app activated or
        deactivated, key added or removed, new recovery codes): the one adapter seam all of them
        pass, so the audit event is written here and allauth's signals are not needed."""
        change = SECOND_FACTOR_CHANGES.get(template_prefix)
        if change is not None and isinstance(user, Agent):
            address = self.get_client_ip(self.request)
            actions.do_record_second_factor_change(user, change, address=address)
        super().send_notification_mail(template_prefix, user, context, email)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every mail allauth sends is rendered here and queued for the task worker
        (``beffroi.core.outbound``): no request waits for the relay."""
        request = allauth_context.request
        rendered = {"request": request, "email": email, "current_site": get_current_site(request)}
        outbound.send_later(self.render_mail(template_prefix, email, {**rendered, **context}))

    def send_password_reset_mail(
        self, user: AbstractBaseUser, email: str, context: dict[str, Any]
    ) -> None:
        """The reset link is written in the agent's own language, with its lifetime."""
        language = user.language if isinstance(user, Agent) else settings.LANGUAGE_CODE
        context = {**context, "reset_link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        with translation.override(language):
            super().send_password_reset_mail(user, email, context)

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """A password changed from allauth's page clears "must change password" and is audited."""
        assert isinstance(user, Agent)
        actions.do_change_password(user, password, address=self.get_client_ip(context.request))


def _remember_language(response: HttpResponse, language: str) -> None:
    """The language saved on the account follows the agent to every device they sign in on."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",  # as settings.LANGUAGE_COOKIE_SAMESITE, for Django's own switch
    )


class SecondFactorAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("Ce code est incorrect ou a expiré."),
        "cannot_delete_authenticator": _(
            "Votre fonction exige un second facteur : ajoutez-en un autre avant de retirer "
            "celui-ci."
        ),
        "cannot_generate_recovery_codes": _(
            "Activez d'abord une application d'authentification ou une clé d'accès."
        ),
    }

    def get_totp_label(self, user: AbstractBaseUser) -> str:
        return user.get_username()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """An agent who must have a second factor keeps at least one."""
        agent = authenticator.user
        if authenticator.type not in policy.SECOND_FACTOR_TYPES or not isinstance(agent, Agent):
            return True
        if not policy.second_factor_required(agent):
            return True
        others = Authenticator.objects.filter(
            user=agent, type__in=policy.SECOND_FACTOR_TYPES
        ).exclude(pk=authenticator.pk)
        return others.exists()

    # TOTP secrets are stored encrypted (AES-256-GCM, key derived from SECRET_KEY), so a copy of
    # the database alone does not give away anyone's second factor. Values written before this
    # had no prefix and are read as they are.
    _PREFIX = "aesgcm1:"

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(_totp_key(settings.SECRET_KEY)).encrypt(nonce, text.encode(), None)
        return self._PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(self._PREFIX):
            return encrypted_text
        blob = base64.urlsafe_b64decode(encrypted_text[len(self._PREFIX) :])
        for secret_key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
            try:
                return AESGCM(_totp_key(secret_key)).decrypt(blob[:12], blob[12:], None).decode()
            except InvalidTag:
                continue
        raise ValueError("TOTP secret sealed with an unknown SECRET_KEY")


def _totp_key(secret_key: str | bytes) -> bytes:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"beffroi.mfa.totp-secret"
    ).derive(material)


class ExternalSignInAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """The provider identifies people; Beffroi's directory decides who has an account."""
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """At the first sign-in through the provider, tie it to the agent with that e-mail
        address; without exactly one active agent to tie it to, refuse politely."""
        if sociallogin.is_existing:
            return
        email = _provider_email(sociallogin)
        agents = list(Agent.objects.filter(email__iexact=email)[:2]) if email else []
        if len(agents) != 1 or not agents[0].can_sign_in:
            raise ImmediateHttpResponse(_refusal(request, sociallogin))
        actions.do_link_external_account(
            agents[0],
            sociallogin,
            request,
            address=get_account_adapter(request).get_client_ip(request),
        )


def _provider_email(sociallogin: Any) -> str:
    """The e-mail address the provider gives, unless it says it has not verified it."""
    data = sociallogin.account.extra_data or {}
    claims = data.get("userinfo") or data.get("id_token") or data
    if str(claims.get("email_verified", "true")).lower() in ("false", "0"):
        return ""
    return str(claims.get("email") or "").strip()


def _refusal(request: HttpRequest, sociallogin: Any) -> HttpResponse:
    return render(
        request,
        "socialaccount/no_matching_agent.html",
        {"provider_name": sociallogin.provider.name},
        status=403,
    )
