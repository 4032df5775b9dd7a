"""Prometheus metrics of the process: HTTP requests, their latency, and the task queue depth."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

registry = CollectorRegistry(auto_describe=True)

http_requests = Counter(
    "beffroi_http_requests",
    "HTTP requests answered, by method, route family and status class.",
    ["method", "family", "status"],
    registry=registry,
)
http_latency = Histogram(
    "beffroi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route family.",
    ["family"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=registry,
)

# Route families keep the label set small whatever the URLs requested (no cardinality blow-up).
_FAMILIES = ("/api/", "/dav/", "/ws/", "/static/", "/admin/", "/metrics", "/healthz", "/readyz")


# Methods are named by the client: any other than these is counted as OTHER.
_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    # WebDAV and CalDAV
    | {"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "MKCALENDAR"}
)


def route_family(path: str) -> str:
    for prefix in _FAMILIES:
        if path.startswith(prefix):
            return prefix.strip("/")
    return "web"


def observe_request(method: str | None, path: str, status: int, seconds: float) -> None:
    """Count one answered HTTP request and its latency."""
    family = route_family(path)
    method_label = method if method in _METHODS else "OTHER"
    http_requests.labels(method_label, family, f"{status // 100}xx").inc()
    http_latency.labels(family).observe(seconds)


class TaskQueueCollector(Collector):
    """Reads the number of tasks waiting in the database queue at scrape time."""

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "beffroi_task_queue_depth", "Tasks waiting to run, by queue.", labels=["queue"]
        )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Declared without reading the database, which may not exist yet at import time.
        yield self._family()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        gauge = self._family()
        rows = DBTaskResult.objects.ready().values("queue_name").annotate(count=Count("pk"))
        counts = {row["queue_name"]: row["count"] for row in rows.order_by()}
        for queue_name, count in sorted(counts.items()):
            gauge.add_metric([queue_name], count)
        if not counts:
            gauge.add_metric(["default"], 0)
        yield gauge


registry.register(TaskQueueCollector())


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    return generate_latest(registry)
