"""allauth's forms with Beffroi's labels, and second-factor codes throttled and explained in French.

Registered in ``ACCOUNT_FORMS`` and ``MFA_FORMS`` (see the sign-in section of the settings).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm, ResetPasswordForm, ResetPasswordKeyForm
from allauth.account.forms import default_token_generator as reset_link_tokens
from allauth.account.internal.flows.password_reset import request_password_reset
from allauth.core import context, ratelimit
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.core import throttle
from beffroi.core.errors import TooManyAttempts
from beffroi.directory.actions import security
from beffroi.directory.models import Agent

TOO_MANY_ATTEMPTS = "too_many_attempts"


def too_many_attempts(error: TooManyAttempts) -> ValidationError:
    """The French explanation of a slowed-down credential check, with the wait in seconds."""
    return ValidationError(
        _("Trop de tentatives. Réessayez dans %(seconds)s secondes.")
        % {"seconds": error.retry_after},
        code=TOO_MANY_ATTEMPTS,
    )


def client_address() -> str:
    """The address of the request being served (the one ``beffroi serve`` trusted)."""
    return str(get_account_adapter().get_client_ip(context.request))


def _password_widget(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class SignInForm(LoginForm):
    """Username and password, labelled as agents know them. The username field keeps the name
    ``username`` (allauth calls it ``login``), which password managers and scripts know."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = login = self.fields.pop("login")
        self.order_fields(["username", "password"])
        login.label = gettext_lazy("Identifiant")
        login.widget.attrs = {
            "autocomplete": "username",
            "autocapitalize": "none",
            "spellcheck": "false",
            "maxlength": "150",
        }
        password = self.fields["password"]
        password.label = gettext_lazy("Mot de passe")
        password.help_text = ""
        password.widget = _password_widget("current-password")
        password.widget.attrs["maxlength"] = "1024"
        password.validators.append(MaxLengthValidator(1024))

    @property
    def offers_reset_by_mail(self) -> bool:
        """The page links to the password reset by e-mail only when mail can go out."""
        return bool(settings.OUTBOUND_MAIL_ENABLED)

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip()

    def clean(self) -> dict[str, Any]:
        # allauth's LoginForm reads the username as ``login``.
        if "username" in self.cleaned_data:
            self.cleaned_data["login"] = self.cleaned_data["username"]
        cleaned: dict[str, Any] = super().clean()  # type: ignore[no-untyped-call]
        return cleaned


class ChangePasswordForm(AllauthChangePasswordForm):
    """The current password, then the new one twice, with the rules in plain French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "oldpassword": (gettext_lazy("Mot de passe actuel"), "current-password"),
            "password1": (gettext_lazy("Nouveau mot de passe"), "new-password"),
            "password2": (gettext_lazy("Nouveau mot de passe, à nouveau"), "new-password"),
        }
        for name, (label, autocomplete) in labels.items():
            field = self.fields[name]
            field.label = label
            field.help_text = ""
            field.widget = _password_widget(autocomplete)
        self.fields["password1"].help_text = gettext_lazy(
            "Au moins 12 caractères, sans ressembler à votre nom ni figurer parmi les mots de "
            "passe les plus courants. Une phrase de plusieurs mots est facile à retenir."
        )


class PasswordResetRequestForm(ResetPasswordForm):
    """« Mot de passe oublié ? »: the agent's username or e-mail address. Whatever is typed, the
    answer is the same ("if an account exists, a message was sent"); only active agents with an
    e-mail address get the link, at that address, a few times per quarter of an hour at most."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        self.fields["login"] = forms.CharField(
            label=gettext_lazy("Identifiant ou adresse électronique"),
            help_text=gettext_lazy(
                "Celui avec lequel vous vous connectez, ou l'adresse électronique que la "
                "collectivité a enregistrée pour vous."
            ),
            max_length=254,
            widget=forms.TextInput(
                attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
            ),
            error_messages={
                "required": gettext_lazy("Saisissez votre identifiant ou votre adresse.")
            },
        )

    def clean_login(self) -> str:
        login = str(self.cleaned_data["login"]).strip()
        self.users = list(
            Agent.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .filter(is_active=True, status=Agent.Status.ACTIVE)
            .exclude(email="")
        )
        # allauth limits requests per "email" typed (ACCOUNT_RATE_LIMITS["reset_password"]).
        self.cleaned_data["email"] = login.lower()
        return login

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        for agent in self.users:
            # A quiet limit per agent: going over it sends nothing but answers the same.
            if ratelimit.consume(request, action="reset_password_mail", key=str(agent.pk)):
                _send_reset_link(request, agent)
        return str(self.cleaned_data["email"])


def _send_reset_link(request: HttpRequest, agent: Agent) -> None:
    # The message is queued, not sent (``beffroi.core.outbound``): the answer takes as long for
    # an existing account as for a stranger, whatever the relay does.
    request_password_reset(request, agent.email, [agent], reset_link_tokens)


class PasswordResetFromLinkForm(ResetPasswordKeyForm):
    """The new password, twice, reached from the link mailed to the agent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (
            ("password1", gettext_lazy("Nouveau mot de passe")),
            ("password2", gettext_lazy("Nouveau mot de passe, à nouveau")),
        ):
            field = self.fields[name]
            field.label = label
            field.help_text = ""
            field.widget = _password_widget("new-password")
        self.fields["password1"].help_text = gettext_lazy(
            "Au moins 12 caractères, sans ressembler à votre nom ni figurer parmi les mots de "
            "passe les plus courants. Une phrase de plusieurs mots est facile à retenir."
        )

    def save(self) -> None:
        assert isinstance(self.user, Agent)
        security.do_reset_password_from_link(
            self.user, self.cleaned_data["password1"], address=client_address()
        )


class _ThrottledCodeMixin:
    """Second-factor codes are checked like passwords: slowed down per account and address
    after a few failures (``beffroi.core.throttle``), each failure in the audit trail, and
    refused with a message saying whether the code was wrong, expired or already used."""

    user: Agent
    authenticator: Authenticator
    cleaned_data: dict[str, Any]

    def _attempt(self) -> throttle.CredentialAttempt:
        return throttle.CredentialAttempt(
            scope="second-factor", account=str(self.user.pk), address=client_address()
        )

    def _check_code(self, check: Any) -> str:
        attempt = self._attempt()
        try:
            throttle.check_allowed(attempt)
        except TooManyAttempts as error:
            raise too_many_attempts(error) from None
        code = str(self.cleaned_data.get("code", "")).strip()
        try:
            accepted: str = check()
        except ValidationError:
            failures = throttle.record_failure(attempt)
            security.do_record_failed_second_factor(
                self.user, address=attempt.address, failures=failures
            )
            raise ValidationError(self._explain_refusal(code), code="incorrect_code") from None
        throttle.record_success(attempt)
        return accepted

    def _explain_refusal(self, code: str) -> str:
        for totp in Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP):
            if code and validate_totp_code(decrypt(totp.data["secret"]), code):
                return _(
                    "Ce code a déjà servi. Attendez que votre application en affiche un "
                    "nouveau, puis saisissez-le."
                )
        return _(
            "Ce code est incorrect ou a expiré. Saisissez le code affiché en ce moment par "
            "votre application, ou l'un de vos codes de secours."
        )


class SecondFactorForm(_ThrottledCodeMixin, AuthenticateForm):
    """The code asked after the password, at sign-in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_code_field(self.fields["code"])

    def clean_code(self) -> str:
        return self._check_code(super().clean_code)

    def save(self) -> None:
        super().save()
        security.do_record_second_factor_sign_in(
            self.user, method=str(self.authenticator.type), address=client_address()
        )


class SecondFactorConfirmationForm(_ThrottledCodeMixin, ReauthenticateForm):
    """The code asked again before a sensitive change (adding a key, new recovery codes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_code_field(self.fields["code"])

    def clean_code(self) -> str:
        return self._check_code(super().clean_code)


def _label_code_field(field: forms.Field) -> None:
    field.label = gettext_lazy("Code à usage unique")
    field.help_text = gettext_lazy(
        "Les 6 chiffres affichés par votre application d'authentification, ou un code de secours."
    )
    field.widget.attrs = {
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
        "autocapitalize": "none",
        "spellcheck": "false",
        "maxlength": "32",
    }


class AddPasskeyForm(AddWebAuthnForm):
    """A passkey or security key, named so that the agent tells them apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = gettext_lazy("Nom de la clé")
        self.fields["name"].help_text = gettext_lazy(
            "Pour la reconnaître plus tard, par exemple « téléphone » ou « clé USB du bureau »."
        )
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = gettext_lazy(
                "Clé d'accès : se connecter avec cette seule clé, sans mot de passe"
            )
            self.fields["passwordless"].help_text = gettext_lazy(
                "Votre appareil demandera alors votre empreinte, votre visage ou son code."
            )


class ActivateAppForm(ActivateTOTPForm):
    """The first code of a newly scanned authenticator app."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = gettext_lazy("Code affiché par l'application")
        field.help_text = gettext_lazy("6 chiffres, renouvelés toutes les 30 secondes.")
        field.widget.attrs = {
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": "6",
        }
