"""Outbound delivery as an administrator runs it: ``beffroi serve`` with the submission
listeners and its task worker, a smarthost (a second SMTP server on loopback, the test's peer);
swaks submits with an app password over STARTTLS (587-style) and over implicit TLS (465-style)
to an outside address, and the peer receives the message DKIM-signed. Then several workers
claiming the same queue at once, on the suite's engine: nothing is sent twice."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dkim  # type: ignore[import-untyped]
import pytest

from beffroi.mail.tests.outbound_peer import Recorder, peer
from tests.conftest import beffroi, free_port
from tests.mail_helpers import (
    DOMAIN,
    instance_env,
    prepare,
    queued_count,
    self_signed_certificate,
    wait_for_port,
)

pytestmark = pytest.mark.slow

PUBLISHED = """
import json
from beffroi.mail.dkim_keys import dns_record
from beffroi.mail.models import DkimKey
print(json.dumps({f"{k.selector}._domainkey.{k.domain.name}": dns_record(k.public_key)
                  for k in DkimKey.objects.select_related("domain")}))
"""


@contextmanager
def serving(root: Path, migrated: str, smarthost: int) -> Iterator[dict[str, object]]:
    with instance_env(root, migrated) as env:
        cert, key = self_signed_certificate(root)
        env.update(
            BEFFROI_MAIL_TLS_CERT_FILE=str(cert),
            BEFFROI_MAIL_TLS_KEY_FILE=str(key),
            BEFFROI_MAIL_HOSTNAME="mx.mairie.test",
            BEFFROI_MAIL_SMARTHOST=f"smtp://127.0.0.1:{smarthost}",
        )
        secrets = prepare(env)
        submission, submissions, http = free_port(), free_port(), free_port()
        log = root / "serve.log"
        with log.open("ab") as output:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "beffroi", "serve", "--no-migrate",
                    "--port", str(http), "--submission-port", str(submission),
                    "--submissions-port", str(submissions),
                ],
                env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            wait_for_port(process, submission, log)
            wait_for_port(process, submissions, log)
            yield {
                "env": env,
                "secrets": secrets,
                "submission": submission,
                "submissions": submissions,
                "log": log,
            }
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def swaks(port: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{port}", "--helo", "poste.mairie.test", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def wait_for(recorder: Recorder, count: int, log: Path) -> None:
    """The worker sends within seconds of the submission; 90 s only stops a hung suite."""
    deadline = time.monotonic() + 90
    while len(recorder.received) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(recorder.received) >= count, log.read_text()


def test_swaks_submission_leaves_signed_through_the_smarthost(tmp_path, _migrated_database):  # noqa: PT019
    """STARTTLS + app password, then implicit TLS (--tlsc): each message reaches the
    smarthost once, with a DKIM signature that verifies against the published key."""
    port = free_port()
    with (
        peer(port, Recorder()) as recorder,
        serving(tmp_path, _migrated_database, port) as server,
    ):
        env, secrets = server["env"], server["secrets"]
        assert isinstance(secrets, dict)
        assert isinstance(env, dict)
        auth = ("--auth", "PLAIN", "--auth-user", "paul", "--auth-password", secrets["paul"])
        result = swaks(
            server["submission"], "--tls", *auth,  # type: ignore[arg-type]
            "--from", f"paul@{DOMAIN}", "--to", "contact@ailleurs.example",
            "--header", "Subject: Compte rendu du conseil",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        wait_for(recorder, 1, server["log"])  # type: ignore[arg-type]
        result = swaks(
            server["submissions"], "--tlsc", *auth,  # type: ignore[arg-type]
            "--from", f"paul@{DOMAIN}", "--to", "autre@ailleurs.example",
            "--header", "Subject: Par le port TLS",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "STARTTLS" not in result.stdout  # TLS from the first byte, nothing to upgrade
        wait_for(recorder, 2, server["log"])  # type: ignore[arg-type]
        published = beffroi("shell", "-c", PUBLISHED, env=env)
        assert published.returncode == 0, published.stderr
        records = json.loads(published.stdout.strip().splitlines()[-1])
        # The queue emptied: every message is settled, nothing more can arrive.
        deadline = time.monotonic() + 90
        while queued_count(server["env"]) and time.monotonic() < deadline:  # type: ignore[arg-type]
            time.sleep(0.2)
        assert queued_count(server["env"]) == 0, server["log"].read_text()  # type: ignore[attr-defined]
    first, second = recorder.received
    assert (first.sender, first.recipients) == (f"paul@{DOMAIN}", ["contact@ailleurs.example"])
    assert (second.sender, second.recipients) == (f"paul@{DOMAIN}", ["autre@ailleurs.example"])
    assert b"Subject: Par le port TLS" in second.raw
    assert b"with ESMTPSA id" in second.raw  # the implicit-TLS session counts as TLS

    def dns(name: bytes, timeout: float = 5) -> bytes | None:
        record = records.get(name.decode().rstrip("."))
        return record.encode() if record else None

    for received in recorder.received:
        assert received.raw.startswith(b"DKIM-Signature:")
        assert b"d=mairie.test;" in received.raw
        assert dkim.verify(received.raw, dnsfunc=dns)


CLAIMS = """
import json, threading
from django.db import connection
from beffroi.directory.models import Agent
from beffroi.mail.actions import do_add_domain, do_submit
from beffroi.mail.delivery.runner import run_queue
from beffroi.mail.models import QueuedMessage

agent = Agent.objects.create(username="jeanne", email="jeanne@mairie.test")
do_add_domain("mairie.test")
for number in range({messages}):
    to = f"x{{number}}@ailleurs.example"
    head = f"From: jeanne@mairie.test\\r\\nTo: {{to}}\\r\\nSubject: {{number}}\\r\\n"
    raw = (head + "\\r\\ncorps\\r\\n").encode()
    do_submit(raw, "jeanne@mairie.test", [], [to], agent=agent)
start = threading.Barrier({workers})
errors, attempted = [], []

def work():
    try:
        start.wait()
        attempted.append(run_queue())
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=work) for _ in range({workers})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({{"errors": errors, "attempted": attempted,
                  "left": QueuedMessage.objects.count()}}))
"""


def test_workers_claiming_at_once_never_send_twice(process_env):
    """4 workers start together on 12 due messages (SQLite, or PostgreSQL with DATABASE_URL):
    each message is attempted by one worker and reaches the peer exactly once."""
    messages, workers = 12, 4
    port = free_port()
    env = {**process_env, "BEFFROI_MAIL_SMARTHOST": f"smtp://127.0.0.1:{port}"}
    with peer(port, Recorder()) as recorder:
        result = beffroi("shell", "-c", CLAIMS.format(messages=messages, workers=workers), env=env)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["errors"] == []
    assert sum(state["attempted"]) == messages
    assert state["left"] == 0
    sent = sorted(r.recipients[0] for r in recorder.received)
    assert sent == sorted(f"x{number}@ailleurs.example" for number in range(messages))
