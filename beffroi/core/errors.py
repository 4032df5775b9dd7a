"""Errors a person can read.

Domain code raises a ``BeffroiError`` subclass with a stable ``code`` and a French message
(translated through Django i18n). Each adapter maps them once: the API to an HTTP status and the
JSON error shape, a DAV handler to a DAV status, IMAP to ``NO``, SMTP to a reply code.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class BeffroiError(Exception):
    """Base of every error Beffroi explains to a person."""

    code: str = "erreur"
    http_status: int = 400
    default_message: str | Promise = _("La demande n'a pas pu être traitée.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class InvalidInput(BeffroiError):
    """The request is understood but its content is not acceptable."""

    code = "donnees_invalides"
    http_status = 422
    default_message = _("Certaines données sont invalides.")


class NotFound(BeffroiError):
    """The object does not exist, *or* the caller may not see it: both answer the same."""

    code = "introuvable"
    http_status = 404
    default_message = _("Cette ressource n'existe pas ou vous n'y avez pas accès.")


class NotAllowed(BeffroiError):
    """The caller can see the object but may not do this to it."""

    code = "interdit"
    http_status = 403
    default_message = _("Vous n'avez pas le droit d'effectuer cette action.")


class NotAuthenticated(BeffroiError):
    code = "non_authentifie"
    http_status = 401
    default_message = _("Identifiez-vous pour continuer.")


class TooManyAttempts(BeffroiError):
    """A credential check is slowed down after repeated failures."""

    code = "trop_de_tentatives"
    http_status = 429
    default_message = _("Trop de tentatives. Réessayez dans quelques instants.")

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after
