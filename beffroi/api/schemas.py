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


# Errors any authenticated endpoint may answer, for the OpenAPI description.
AUTHENTICATED_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 429: ErrorOut}
