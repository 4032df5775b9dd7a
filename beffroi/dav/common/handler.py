"""The frame of a DAV adapter's handler: OPTIONS, authentication of every other request, one
function per method, and the mapping of errors to DAV answers."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from beffroi.core.errors import (
    BeffroiError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
)
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.dav.common.xml import DAV, InvalidXml, element, error, tag
from beffroi.directory.access.credentials import authenticate_protocol_client
from beffroi.directory.models import Agent

REALM = 'Basic realm="Beffroi", charset="UTF-8"'

Method = Callable[[DavRequest, Agent], DavResponse]
Handler = Callable[[DavRequest], DavResponse]
# The protocol's own answer to an error (a precondition), or None for the common one.
Preconditions = Callable[[BeffroiError], DavResponse | None]


def dav_handler(
    methods: dict[str, Method], *, dav_classes: str, allowed: str, preconditions: Preconditions
) -> Handler:
    """``handle`` of an adapter: OPTIONS answered without credentials, the rest authenticated
    and given to ``methods``; errors become DAV answers (``preconditions`` first)."""

    def handle(request: DavRequest) -> DavResponse:
        if request.method == "OPTIONS":
            return DavResponse(200, headers={"DAV": dav_classes, "Allow": allowed})
        method = methods.get(request.method)
        try:
            agent = authenticate(request)
            if method is None:
                return DavResponse.text(
                    405, _("Cette méthode n'est pas prise en charge."), Allow=allowed
                )
            return method(request, agent)
        except InvalidXml:
            return DavResponse.text(400, _("Le corps XML de la requête est invalide."))
        except BeffroiError as problem:
            return error_response(problem, preconditions)

    return handle


def error_response(problem: BeffroiError, preconditions: Preconditions) -> DavResponse:
    if isinstance(problem, NotAuthenticated):
        return DavResponse.text(401, problem.message, **{"WWW-Authenticate": REALM})
    if isinstance(problem, TooManyAttempts):
        return DavResponse.text(429, problem.message, **{"Retry-After": str(problem.retry_after)})
    specific = preconditions(problem)
    if specific is not None:
        return specific
    if isinstance(problem, InvalidInput):
        details = [message for messages in problem.fields.values() for message in messages]
        return DavResponse.text(403, " ".join(details) or problem.message)
    return DavResponse.text(problem.http_status, problem.message)


def precondition_failed(status: int, namespace: str, name: str, message: str) -> DavResponse:
    """A ``D:error`` answer naming the precondition ``name`` of ``namespace``."""
    return DavResponse.xml(status, error(element(tag(namespace, name)), message))


def collection_exists(problem: InvalidInput) -> DavResponse:
    """MKCOL or MKCALENDAR on a name already taken (RFC 4918 §9.3.1)."""
    return precondition_failed(405, DAV, "resource-must-be-null", problem.fields["slug"][0])


def authenticate(request: DavRequest) -> Agent:
    credentials = request.credentials()
    if credentials is None:
        raise NotAuthenticated()
    username, secret = credentials
    # One app-password scope, « agendas et contacts », opens both adapters.
    return authenticate_protocol_client(
        username, secret, scope="calendars", address=request.address
    )


def own_home(username: str, agent: Agent) -> None:
    """Only one's own home, for now; another's answers as if it did not exist."""
    if username != agent.username:
        raise NotFound()
