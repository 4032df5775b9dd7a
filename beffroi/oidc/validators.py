"""Beffroi's rules on top of django-oauth-toolkit's OAuth2 / OpenID Connect validator.

Only an agent who may sign in gets a code, exchanges it, refreshes or uses a token: suspending
or marking an agent as departed stops every token they gave to other tools at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2 import AccessDeniedError

from beffroi.directory.models import Agent
from beffroi.oidc import actions
from beffroi.oidc.claims import CLAIM_SCOPES, CLAIMS


def may_sign_in(user: object) -> bool:
    return isinstance(user, Agent) and user.can_sign_in


def _reader(read: Callable[[Agent], Any]) -> Callable[[Any], Any]:
    return lambda request: read(request.user)


class BeffroiValidator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    # Without a request argument (the toolkit checks the signature), it also lists these claims
    # in the discovery document (claims_supported): hence the narrower signature.
    def get_additional_claims(self) -> dict[str, Callable[[Any], Any]]:  # type: ignore[override]
        return {name: _reader(read) for name, read in CLAIMS.items() if name != "sub"}

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        if not may_sign_in(request.user):
            # The authorization view refuses such agents first; this is the last line.
            raise AccessDeniedError(state=request.state, request=request)  # type: ignore[no-untyped-call]
        super().save_authorization_code(client_id, code, request, *args, **kwargs)  # type: ignore[no-untyped-call]
        actions.do_record_authorization(
            request.user,
            request.client,
            scopes=list(request.scopes or []),
            address=request.headers.get("REMOTE_ADDR"),
        )

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = bool(super().validate_code(client_id, code, client, request, *args, **kwargs))  # type: ignore[no-untyped-call]
        return valid and may_sign_in(request.user)

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = bool(
            super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)  # type: ignore[no-untyped-call]
        )
        return valid and may_sign_in(request.user)

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        valid = bool(super().validate_bearer_token(token, scopes, request))  # type: ignore[no-untyped-call]
        if valid and not may_sign_in(request.user):
            request.oauth2_error = {
                "error": "invalid_token",
                "error_description": _("Ce compte ne peut plus se connecter."),
            }
            return False
        return valid

    def validate_id_token(self, token: str, scopes: list[str], request: Any) -> bool:
        valid = bool(super().validate_id_token(token, scopes, request))  # type: ignore[no-untyped-call]
        return valid and may_sign_in(request.user)
