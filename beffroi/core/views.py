"""Operations endpoints: liveness, readiness, metrics."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beffroi.core import metrics

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_storage() -> None:
    if isinstance(default_storage, FileSystemStorage):
        # On local disk a lookup never fails, even with the volume gone: write and remove a
        # probe instead, which proves the directory is there and writable (and cheap).
        name = default_storage.save(f"readyz/{uuid.uuid4().hex}", ContentFile(b""))
        default_storage.delete(name)
        return
    # An object store answers a lookup of a name that never exists (a HEAD) without writing;
    # a wrong bucket or credentials make it fail.
    default_storage.exists("readyz-probe")


def _check_redis() -> None:
    import redis

    assert settings.REDIS_URL
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The dependencies this node needs to serve: each configured engine, by name."""
    checks: dict[str, Callable[[], None]] = {
        "database": _check_database,
        "storage": _check_storage,
    }
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    return checks


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Every configured dependency answers: 200, else 503 naming what failed."""
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception as error:
            logger.warning(
                "readiness check failed",
                extra={"fields": {"check": name, "error": type(error).__name__}},
            )
            results[name] = "indisponible"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "indisponible", "checks": results},
        status=200 if ready else 503,
    )


def _may_read_metrics(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_ADDRESSES


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for loopback scrapers and administrators only."""
    if not _may_read_metrics(request):
        return HttpResponse("Introuvable.\n", status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(
        metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
