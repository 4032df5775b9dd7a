"""One mapping from failures to the API's error shape ``{code, message, fields}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from beffroi.core.errors import BeffroiError, TooManyAttempts

logger = logging.getLogger(__name__)


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


def _field_name(location: Any) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


_HTTP_CODES = {
    400: ("requete_invalide", "La requête est mal formée."),
    401: ("non_authentifie", "Identifiez-vous pour continuer."),
    403: ("interdit", "Vous n'avez pas le droit d'effectuer cette action."),
    404: ("introuvable", "Cette ressource n'existe pas ou vous n'y avez pas accès."),
    405: ("methode_non_autorisee", "Cette méthode n'est pas permise sur cette adresse."),
    413: ("corps_trop_volumineux", "Le corps de la requête dépasse la taille autorisée."),
}


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    @api.exception_handler(BeffroiError)
    def on_beffroi_error(request: HttpRequest, error: BeffroiError) -> HttpResponse:
        response = error_response(api, request, status=error.http_status, code=error.code,
                                  message=error.message, fields=error.fields)
        if isinstance(error, TooManyAttempts):
            response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for problem in error.errors:
            fields.setdefault(_field_name(problem.get("loc", ())), []).append(
                str(problem.get("msg", _("Valeur invalide.")))
            )
        return error_response(api, request, status=422, code="donnees_invalides",
                              message=_("Certaines données sont invalides."), fields=fields)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, error: AuthenticationError
                                ) -> HttpResponse:
        return error_response(api, request, status=401, code="non_authentifie",
                              message=_("Identifiez-vous pour continuer."))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="introuvable",
                              message=_("Cette ressource n'existe pas ou vous n'y avez pas accès."))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        return error_response(api, request, status=413, code="corps_trop_volumineux",
                              message=_("Le corps de la requête dépasse la taille autorisée."))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        code, message = _HTTP_CODES.get(error.status_code, ("erreur", str(error)))
        return error_response(api, request, status=error.status_code, code=code,
                              message=_(message))

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("unexpected API error")
        return error_response(api, request, status=500, code="erreur_interne",
                              message=_("Une erreur inattendue est survenue. Elle a été "
                                        "enregistrée ; réessayez dans un instant."))
