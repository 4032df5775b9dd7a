"""allauth's forms with Beffroi's labels, and second-factor codes throttled and explained in French.

Registered in ``ACCOUNT_FORMS`` and ``MFA_FORMS`` (see the sign-in section of the settings).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
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
