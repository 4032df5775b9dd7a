"""The inbound listener asking a real rspamd (Debian's, started here on loopback from a minimal
configuration in a temporary directory) over its HTTP protocol, and honouring its action.

Three test symbols (a Lua file of the configuration) give rspamd's actions on demand by the
subject: "add header" (Junk), "soft reject" (451, try later) and "reject" (550). Our own
thresholds are raised so that rspamd's action alone decides here.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import Envelope, Session

from beffroi.mail.index import parse
from beffroi.mail.models import Message
from beffroi.mail.protocols.smtp_inbound import InboundHandler
from beffroi.mail.spam import ask_rspamd
from beffroi.mail.store import read_raw

VOIRIE = "agent.voirie@ville-exemple.fr"
OUTSIDE = "habitant@exterieur.example"
STARTUP_SECONDS = 60

TEST_RULES = """
local function subject_has(word)
  return function(task)
    local subject = task:get_subject()
    return subject ~= nil and subject:find(word, 1, true) ~= nil
  end
end
rspamd_config:register_symbol({name = "BEFFROI_TEST_JUNK", score = 25.0,
  callback = subject_has("offre-douteuse")})
rspamd_config:register_symbol({name = "BEFFROI_TEST_SOFT", score = 35.0,
  callback = subject_has("offre-plus-tard")})
rspamd_config:register_symbol({name = "BEFFROI_TEST_REJECT", score = 50.0,
  callback = subject_has("offre-rejet")})
"""

CONFIG = """
options {{
  pidfile = "{dir}/rspamd.pid";
  dbdir = "{dir}";
  rundir = "{dir}";
  filters = "";
  dns {{ nameserver = ["127.0.0.1:9"]; timeout = 1s; retransmits = 1; }}
}}
logging {{ type = "console"; level = "error"; }}
worker "normal" {{ bind_socket = "127.0.0.1:{port}"; count = 1; }}
actions {{ reject = 45; soft_reject = 30; add_header = 20; }}
lua = "/usr/share/rspamd/rules/rspamd.lua";
lua = "{dir}/test.lua";
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def rspamd(tmp_path_factory) -> Iterator[str]:
    directory: Path = tmp_path_factory.mktemp("rspamd")
    port = free_port()
    (directory / "test.lua").write_text(TEST_RULES)
    (directory / "rspamd.conf").write_text(CONFIG.format(dir=directory, port=port))
    log = (directory / "rspamd.log").open("wb")
    # As root (a CI container), rspamd wants to be told it may stay root.
    as_root = ["-u", "root", "-g", "root", "--insecure"] if os.geteuid() == 0 else []
    process = subprocess.Popen(
        ["rspamd", "-f", "-c", str(directory / "rspamd.conf"), *as_root],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (directory / "rspamd.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/ping", timeout=1) as answer:
                    if answer.read().strip() == b"pong":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "rspamd did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def raw_message(subject: str) -> bytes:
    return (
        f"From: Habitant <{OUTSIDE}>\r\nTo: {VOIRIE}\r\nSubject: {subject}\r\n"
        "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\nMessage-ID: <r1@exterieur.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour.\r\n"
    ).encode()


def test_the_client_speaks_checkv2(rspamd):
    """Score, action and symbols as rspamd answers them."""
    answer = ask_rspamd(
        rspamd,
        raw_message("offre-douteuse"),
        client_ip="203.0.113.7",
        helo="mx.exterieur.example",
        mail_from=OUTSIDE,
        recipients=[VOIRIE],
    )
    assert answer is not None
    assert answer.action == "add header"
    assert answer.score >= 25
    assert "BEFFROI_TEST_JUNK" in answer.symbols


def _deliver(subject: str) -> str:
    async def run() -> str:
        session = Session(asyncio.get_running_loop())
        session.peer = ("203.0.113.7", 40000)
        session.host_name = "mx.exterieur.example"
        envelope = Envelope()
        envelope.mail_from = OUTSIDE
        envelope.rcpt_tos = [VOIRIE]
        envelope.original_content = raw_message(subject)
        return await InboundHandler().handle_DATA(None, session, envelope)  # type: ignore[arg-type]

    return asyncio.run(run())


@pytest.mark.django_db(transaction=True)
def test_rspamds_action_is_honoured(domain, agent_voirie, settings, rspamd, protocol_connections):
    """No action: INBOX; add header: Junk; soft reject: 451; reject: 550."""
    settings.MAIL_RSPAMD_URL = rspamd
    settings.MAIL_SPAM_JUNK_SCORE = 500
    settings.MAIL_SPAM_REJECT_SCORE = 1000
    assert _deliver("Bonjour").startswith("250")
    assert _deliver("offre-douteuse").startswith("250")
    assert _deliver("offre-plus-tard").startswith("451 4.7.1")
    assert _deliver("offre-rejet").startswith("550 5.7.1")
    stored = {m.subject: m for m in Message.objects.select_related("folder")}
    assert sorted(stored) == ["Bonjour", "offre-douteuse"]
    assert stored["Bonjour"].folder.name == "INBOX"
    assert stored["offre-douteuse"].folder.name == "Indésirables"
    status = parse(read_raw(stored["offre-douteuse"].blob_id))["X-Spam-Status"]
    assert status.startswith("Yes")
    assert "RSPAMD(add header)" in status
