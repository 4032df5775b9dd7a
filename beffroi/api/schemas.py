"""Schemas every API module shares: the error shape and the errors each kind of endpoint answers."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every error the API returns has this shape."""

    code: str
    message: str
    fields: dict[str, list[str]] = {}


class HealthOut(Schema):
    status: str
    version: str


ErrorResponses = dict[int, type[ErrorOut]]

# What any authenticated endpoint may answer: no or a refused credential (401), or a credential
# check slowed down after repeated failures from the same address (429).
AUTHENTICATED_ERRORS: ErrorResponses = {401: ErrorOut, 429: ErrorOut}

# What any endpoint with path parameters may answer when they do not parse (422).
PATH_ERRORS: ErrorResponses = {422: ErrorOut}

# What an unsafe method may add: a session request without its CSRF token (403).
WRITE_ERRORS: ErrorResponses = {**AUTHENTICATED_ERRORS, 403: ErrorOut}

# What an endpoint reading a JSON body may add: unreadable JSON (400), a body over
# MAX_REQUEST_BODY_BYTES (413), content that does not validate, naming each field (422).
BODY_ERRORS: ErrorResponses = {**WRITE_ERRORS, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut}
