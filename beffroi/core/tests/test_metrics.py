"""/metrics: Prometheus figures for a local scraper or an administrator, nobody else."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tasks import task
from prometheus_client.parser import text_string_to_metric_families

OUTSIDE = "203.0.113.7"


@task()
def tidy_up() -> None:
    """A task that does nothing: only its place in the queue matters here."""


def _scrape(client: Client | None = None) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _value(scraped, name: str, **labels: str) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def test_local_scraper_reads_the_metrics(db):
    """From 127.0.0.1, the request counter, the latency buckets and the task queue depth are
    all there."""
    Client().get("/healthz")

    scraped = _scrape()

    assert (
        _value(scraped, "beffroi_http_requests_total", method="GET", family="healthz", status="2xx")
        >= 1
    )
    buckets = {
        dict(labels)["le"]
        for name, labels in scraped
        if name == "beffroi_http_request_duration_seconds_bucket"
        and dict(labels)["family"] == "healthz"
    }
    assert {"0.005", "0.1", "1.0", "10.0", "+Inf"} <= buckets
    assert ("beffroi_task_queue_depth", (("queue", "default"),)) in scraped


@pytest.mark.parametrize("who", ["anonyme", "agent_voirie"])
def test_metrics_are_hidden_from_other_addresses(db, request, who):
    """From elsewhere, an anonymous visitor or an agent who is not staff gets a plain 404."""
    client = Client(REMOTE_ADDR=OUTSIDE)
    if who != "anonyme":
        client.force_login(request.getfixturevalue(who))

    response = client.get("/metrics")

    assert response.status_code == 404
    assert b"beffroi_" not in response.content


def test_an_administrator_reads_the_metrics_from_anywhere(maire):
    """A staff member signed in reads the metrics from any address."""
    client = Client(REMOTE_ADDR=OUTSIDE)
    client.force_login(maire)

    scraped = _scrape(client)

    assert any(name == "beffroi_http_requests_total" for name, _labels in scraped)


def test_each_request_is_counted_with_its_latency(db):
    """One GET /healthz adds one to its counter and one observation to its histogram."""
    labels = {"method": "GET", "family": "healthz", "status": "2xx"}
    before = _scrape()

    Client().get("/healthz")

    after = _scrape()
    assert (
        _value(after, "beffroi_http_requests_total", **labels)
        == _value(before, "beffroi_http_requests_total", **labels) + 1
    )
    assert _value(after, "beffroi_http_request_duration_seconds_count", family="healthz") == (
        _value(before, "beffroi_http_request_duration_seconds_count", family="healthz") + 1
    )
    assert _value(
        after, "beffroi_http_request_duration_seconds_bucket", family="healthz", le="+Inf"
    ) == _value(after, "beffroi_http_request_duration_seconds_count", family="healthz")


def test_made_up_methods_share_one_label(db):
    """A method invented by a client is counted as OTHER: labels cannot be multiplied at will."""
    before = _scrape()

    Client().generic("BREW", "/healthz")

    after = _scrape()
    labels = {"method": "OTHER", "family": "healthz", "status": "4xx"}
    assert (
        _value(after, "beffroi_http_requests_total", **labels)
        == _value(before, "beffroi_http_requests_total", **labels) + 1
    )
    assert not any(dict(labels_).get("method") == "BREW" for _name, labels_ in after)


def test_queue_depth_follows_the_waiting_tasks(db):
    """A task enqueued and not yet run shows in the depth of its queue."""
    before = _value(_scrape(), "beffroi_task_queue_depth", queue="default")

    tidy_up.enqueue()

    assert before == 0
    assert _value(_scrape(), "beffroi_task_queue_depth", queue="default") == 1
