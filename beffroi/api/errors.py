"""One mapping from failures to the API's error shape ``{code, message, fields}``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from beffroi.core.errors import BeffroiError, TooManyAttempts

logger = logging.getLogger(__name__)

# RFC 9110: a 401 names the schemes that would be accepted.
_CHALLENGE = 'Bearer realm="beffroi"'


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    response = api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = _CHALLENGE
    return response


def _field_name(location: Any) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


# Pydantic's messages are English: the common problems, said in French.
_VALIDATION_MESSAGES: dict[str, str | Promise] = {
    "missing": gettext_lazy("Ce champ est obligatoire."),
    "string_type": gettext_lazy("Une chaîne de caractères est attendue."),
    "string_pattern_mismatch": gettext_lazy("Ce texte contient des caractères non permis."),
    "uuid_parsing": gettext_lazy("Un identifiant (UUID) valide est attendu."),
    "uuid_type": gettext_lazy("Un identifiant (UUID) valide est attendu."),
    "model_attributes_type": gettext_lazy("Un objet JSON est attendu."),
    "dict_type": gettext_lazy("Un objet JSON est attendu."),
    "model_type": gettext_lazy("Un objet JSON est attendu."),
}


def _validation_message(problem: Mapping[str, Any]) -> str:
    kind = problem.get("type", "")
    context = problem.get("ctx") or {}
    if kind == "string_too_short":
        return _("Saisissez au moins %(count)s caractère(s).") % {
            "count": context.get("min_length", 1)
        }
    if kind == "string_too_long":
        return _("Saisissez au plus %(count)s caractères.") % {
            "count": context.get("max_length", "")
        }
    return str(_VALIDATION_MESSAGES.get(kind, gettext_lazy("Valeur invalide.")))


_HTTP_CODES = {
    400: ("requete_invalide", "La requête est mal formée."),
    401: ("non_authentifie", "Identifiez-vous pour continuer."),
    403: ("interdit", "Vous n'avez pas le droit d'effectuer cette action."),
    404: ("introuvable", "Cette ressource n'existe pas ou vous n'y avez pas accès."),
    405: ("methode_non_autorisee", "Cette méthode n'est pas permise sur cette adresse."),
    413: ("corps_trop_volumineux", "Le corps de la requête dépasse la taille autorisée."),
}


def _http_error(api: NinjaAPI, request: HttpRequest, status: int) -> HttpResponse:
    code, message = _HTTP_CODES[status]
    return error_response(api, request, status=status, code=code, message=_(message))


def route_not_found(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    """An address under the API that no endpoint answers."""
    return error_response(
        api,
        request,
        status=404,
        code="introuvable",
        message=_("Cette adresse ne correspond à aucune ressource de l'API."),
    )


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    @api.exception_handler(BeffroiError)
    def on_beffroi_error(request: HttpRequest, error: BeffroiError) -> HttpResponse:
        response = error_response(
            api,
            request,
            status=error.http_status,
            code=error.code,
            message=error.message,
            fields=error.fields,
        )
        if isinstance(error, TooManyAttempts):
            response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for problem in error.errors:
            fields.setdefault(_field_name(problem.get("loc", ())), []).append(
                _validation_message(problem)
            )
        return error_response(
            api,
            request,
            status=422,
            code="donnees_invalides",
            message=_("Certaines données sont invalides."),
            fields=fields,
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return _http_error(api, request, 401)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return _http_error(api, request, 404)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        return _http_error(api, request, 413)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        if error.status_code in _HTTP_CODES:
            return _http_error(api, request, error.status_code)
        return error_response(
            api,
            request,
            status=error.status_code,
            code="erreur",
            message=_("La demande n'a pas pu être traitée."),
        )

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("unexpected API error")
        return error_response(
            api,
            request,
            status=500,
            code="erreur_interne",
            message=_(
                "Une erreur inattendue est survenue. Elle a été "
                "enregistrée ; réessayez dans un instant."
            ),
        )


View = Callable[..., Any]


def _declared_length(request: HttpRequest) -> int | None:
    """The Content-Length the client announced (0 when none), or None when it is not a number."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return None


def _before(api: NinjaAPI, request: HttpRequest) -> HttpResponse | None:
    """Refuse, before any byte is read, a body that is announced too large or unreadable."""
    length = _declared_length(request)
    if length is None:
        return _http_error(api, request, 400)
    if length > settings.MAX_REQUEST_BODY_BYTES:
        return _http_error(api, request, 413)
    return None


def _after(api: NinjaAPI, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Ninja answers a wrong method with a bare text 405: give it the error shape."""
    if isinstance(response, HttpResponseNotAllowed):
        allowed = response["Allow"]
        response = _http_error(api, request, 405)
        response["Allow"] = allowed
    return response


def guard_view(api: NinjaAPI, view: View) -> View:
    """Wrap one of the API's Django views so that what ninja answers outside an operation
    (oversized body, wrong method, the bare API root) also has the error shape."""
    if iscoroutinefunction(view):

        async def guarded_async(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            refused = _before(api, request)
            if refused is not None:
                return refused
            try:
                response = await view(request, *args, **kwargs)
            except Http404:
                return route_not_found(api, request)
            return _after(api, request, response)

        return markcoroutinefunction(functools.wraps(view)(guarded_async))

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = _before(api, request)
        if refused is not None:
            return refused
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return route_not_found(api, request)
        return _after(api, request, response)

    return guarded
