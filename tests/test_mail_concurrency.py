"""Deliveries into one folder from many threads at once, on the suite's engine (SQLite, or
PostgreSQL in CI's second run): every UID given once, in a row, and the folder's counters
match what was written."""

from __future__ import annotations

import json

import pytest

from tests.conftest import beffroi

pytestmark = pytest.mark.slow

THREADS = 8
EACH = 5
SCRIPT = f"""
import json, threading
from django.db import connection
from beffroi.directory.models import Agent
from beffroi.mail.actions import do_add_domain, do_deliver
from beffroi.mail.models import Folder, Message

Agent.objects.create(username="jeanne", email="jeanne@mairie.test")
do_add_domain("mairie.test")
errors = []

def deliver(thread):
    try:
        for number in range({EACH}):
            raw = f"Subject: {{thread}}-{{number}}\\r\\n\\r\\ncorps\\r\\n".encode()
            do_deliver(raw, "", ["jeanne@mairie.test"])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=deliver, args=(n,)) for n in range({THREADS})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
inbox = Folder.objects.get(mailbox__address="jeanne@mairie.test", special_use="inbox")
print(json.dumps({{
    "errors": errors,
    "uids": sorted(Message.objects.filter(folder=inbox).values_list("uid", flat=True)),
    "modseqs": sorted(Message.objects.filter(folder=inbox).values_list("modseq", flat=True)),
    "uidnext": inbox.uidnext,
    "highestmodseq": inbox.highestmodseq,
}}))
"""


def test_concurrent_deliveries_never_share_a_uid(process_env):
    """40 deliveries from 8 threads: UIDs 1..40, MODSEQs all distinct, counters right."""
    result = beffroi("shell", "-c", SCRIPT, env=process_env)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    total = THREADS * EACH
    assert state["errors"] == []
    assert state["uids"] == list(range(1, total + 1))
    assert len(set(state["modseqs"])) == total
    assert state["uidnext"] == total + 1
    assert state["highestmodseq"] == max(state["modseqs"])
