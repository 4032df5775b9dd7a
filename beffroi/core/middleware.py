"""Middleware that every request passes: request id, access log, metrics, security headers."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from beffroi.core import metrics
from beffroi.core.logs import request_id_var

access_log = logging.getLogger("beffroi.access")

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponseBase]


class RequestContextMiddleware:
    """Give each request an id (kept from a trusted proxy's X-Request-ID when well formed),
    write one access-log line, and count the request in the metrics."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            started = time.perf_counter()
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            metrics.observe_request(request.method, request.path, response.status_code, elapsed)
            self._log(request, request_id, response.status_code, elapsed)
        finally:
            request_id_var.reset(token)
        return response

    @staticmethod
    def _log(request: HttpRequest, request_id: str, status: int, elapsed: float) -> None:
        user = getattr(request, "user", None)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": request.method,
                    # The path only: query strings may carry tokens.
                    "path": request.path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "agent": str(user.pk) if user is not None and user.is_authenticated else None,
                }
            },
        )


# No inline script anywhere: every script is a file served by Beffroi itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's own administration pages use style attributes; they get inline styles, never scripts.
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and a restrictive Permissions-Policy on every answer."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = (
            ADMIN_CONTENT_SECURITY_POLICY
            if request.path.startswith("/admin/")
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
        )
        return response
