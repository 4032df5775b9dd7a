"""Inbound SMTP and submission, against a real ``beffroi serve`` with its SMTP listeners:
swaks (the Debian SMTP test client) for what it can send, raw sockets for the bytes it would
normalise (bare CR and LF, pipelining)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.mail_helpers import DOMAIN, MailServer, RawSmtp, mail_server

pytestmark = pytest.mark.slow

MESSAGE = (
    "From: Expéditeur <expediteur@exterieur.example>\r\n"
    f"To: jeanne@{DOMAIN}\r\n"
    "Subject: Demande de permis\r\n"
    "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\n"
    "Message-ID: <permis-1@exterieur.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Bonjour, voici ma demande. Été 2027.\r\n"
).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory, _migrated_database) -> Iterator[MailServer]:
    root = tmp_path_factory.mktemp("mail")
    with mail_server(
        root,
        _migrated_database,
        BEFFROI_MAIL_MAX_MESSAGE_MIB="1",
        BEFFROI_MAIL_INBOUND_PER_MINUTE="1000",
    ) as running:
        yield running


def swaks(port: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{port}", "--helo", "client.exterieur.example", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def count(server: MailServer) -> int:
    return len(server.state()["messages"])


def test_swaks_delivers_to_a_local_mailbox(server, tmp_path):
    """The message lands in Jeanne's INBOX as UID 1 with a MODSEQ, its bytes read back
    identical under the trace headers this server adds."""
    data = tmp_path / "message.eml"
    # swaks ends DATA with CRLF "." CRLF after the file's last byte: without a final line end
    # in the file, what it sends is exactly MESSAGE.
    data.write_bytes(MESSAGE.removesuffix(b"\r\n"))
    before = count(server)
    result = swaks(
        server.smtp_port,
        "--from", "expediteur@exterieur.example", "--to", f"jeanne@{DOMAIN}",
        "--data", f"@{data}",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "250 2.0.0 OK: delivered" in result.stdout
    messages = server.state()["messages"]
    assert len(messages) == before + 1
    [stored] = [m for m in messages if m["subject"] == "Demande de permis"]
    assert (stored["mailbox"], stored["folder"], stored["uid"]) == (f"jeanne@{DOMAIN}", "INBOX", 1)
    assert stored["modseq"] > 0
    raw = stored["raw"]
    assert raw.endswith(MESSAGE)
    trace = raw[: -len(MESSAGE)]
    assert trace.startswith(b"Received: from client.exterieur.example ([127.0.0.1])\r\n")
    assert b"by mx.mairie.test (Beffroi) with ESMTP" in trace
    assert trace.endswith(b"Authentication-Results: mx.mairie.test; none\r\n")


def test_an_unknown_recipient_is_refused_at_rcpt(server):
    """RCPT to an address no mailbox has: 550 5.1.1, before any data is sent."""
    result = swaks(server.smtp_port, "--from", "a@exterieur.example", "--to", f"nobody@{DOMAIN}")
    assert result.returncode != 0
    assert f"550 5.1.1 <nobody@{DOMAIN}>" in result.stdout
    assert "DATA" not in result.stdout.split("550 5.1.1")[1]


@pytest.mark.parametrize(
    "recipient",
    [
        "victime@ailleurs.example",
        f"victime%ailleurs.example@{DOMAIN}",
        f"ailleurs.example!victime@{DOMAIN}",
        f'"victime@ailleurs.example"@{DOMAIN}',
        f"@{DOMAIN}:victime@ailleurs.example",
        f"@{DOMAIN}:jeanne@{DOMAIN}",
    ],
    ids=["other-domain", "percent-hack", "bang-path", "quoted-at", "source-route", "route-local"],
)
def test_relaying_is_refused(server, recipient):
    """Every way of asking the MX to pass mail on elsewhere is refused with 550 5.7.1."""
    before = count(server)
    result = swaks(server.smtp_port, "--from", "a@exterieur.example", "--to", recipient)
    assert result.returncode != 0
    assert "550 5.7.1" in result.stdout, result.stdout
    assert count(server) == before


def test_an_oversized_message_is_refused(server, tmp_path):
    """Over BEFFROI_MAIL_MAX_MESSAGE_MIB (1 MiB here): SIZE announced, 552 after DATA, nothing
    stored."""
    body = tmp_path / "body.txt"
    body.write_text(("x" * 76 + "\n") * (2 * 2**20 // 77))
    before = count(server)
    result = swaks(
        server.smtp_port,
        "--from", "a@exterieur.example", "--to", f"jeanne@{DOMAIN}", "--body", f"@{body}",
    )  # fmt: skip
    assert result.returncode != 0
    assert f"250-SIZE {2**20}" in result.stdout
    assert "552" in result.stdout.split("354")[-1]
    assert count(server) == before


def test_a_declared_size_over_the_limit_is_refused_at_mail(server):
    """MAIL FROM with SIZE= over the limit: 552 at once."""
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    assert session.command(f"MAIL FROM:<a@exterieur.example> SIZE={2**21}").startswith("552")
    session.close()


def open_data(server: MailServer) -> RawSmtp:
    """A session with a valid envelope, DATA accepted (354 received)."""
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    assert session.command("MAIL FROM:<attaquant@exterieur.example>").startswith("250")
    assert session.command(f"RCPT TO:<jeanne@{DOMAIN}>").startswith("250")
    assert session.command("DATA").startswith("354")
    return session


SMUGGLED = (
    f"MAIL FROM:<maire@{DOMAIN}>\r\nRCPT TO:<jeanne@{DOMAIN}>\r\nDATA\r\n"
    f"From: maire@{DOMAIN}\r\nSubject: Virement urgent\r\n\r\nfaux\r\n"
).encode()


# The false ends of data of the published SMTP smuggling tools (SEC Consult's research and the
# checkers derived from it): a bare CR or LF around the dot, or a NUL byte some servers drop.
@pytest.mark.parametrize(
    "end",
    [
        b"\n.\n",
        b"\r.\r",
        b"\n.\r\n",
        b"\r\n.\n",
        b"\r.\r\n",
        b"\r\n.\r",
        b"\n\n.\r\n",
        b"\r\n\x00.\r\n",
        b"\r\n.\x00\r\n",
        b"\r\n\x00.\r",
        b"\r\n\x00.\n",
    ],
    ids=[
        "LF.LF",
        "CR.CR",
        "LF.CRLF",
        "CRLF.LF",
        "CR.CRLF",
        "CRLF.CR",
        "LFLF.CRLF",
        "CRLF-NUL.CRLF",
        "CRLF.NUL-CRLF",
        "CRLF-NUL.CR",
        "CRLF-NUL.LF",
    ],
)
def test_smtp_smuggling_is_refused_and_nothing_is_split(server, end):
    """A false end of data (bare CR or LF around the dot) followed by a smuggled second
    message: the whole is refused as one message, and no message at all appears."""
    before = server.state()["messages"]
    session = open_data(server)
    session.send(b"Subject: premier\r\n\r\npremier" + end + SMUGGLED + b".\r\n")
    reply = session.reply()
    assert reply.startswith("554 5.6.0"), reply
    # The session is still in order: the smuggled commands were data, not commands.
    assert session.command("NOOP").startswith("250")
    session.close()
    after = server.state()["messages"]
    assert len(after) == len(before)
    assert not any(m["subject"] in ("premier", "Virement urgent") for m in after)


def test_a_bare_lf_in_a_message_is_refused(server):
    """A message whose lines end with LF alone is refused, not normalised."""
    before = count(server)
    session = open_data(server)
    session.send(b"Subject: lignes unix\n\ncorps\n\r\n.\r\n")
    assert session.reply().startswith("554 5.6.0")
    session.close()
    assert count(server) == before


def test_a_command_ending_with_a_bare_lf_is_refused(server):
    """MAIL FROM ended by LF alone: refused, and the connection closed."""
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    reply = session.command(b"MAIL FROM:<a@exterieur.example>\n")
    assert reply.startswith("500 5.5.2"), reply
    assert session.closed()


def test_a_bare_cr_inside_a_command_is_refused(server):
    """Two commands joined by a bare CR are not read as two: refused, connection closed."""
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    reply = session.command(b"MAIL FROM:<a@exterieur.example>\rRCPT TO:<jeanne@mairie.test>\r\n")
    assert reply.startswith("500 5.5.2"), reply
    assert session.closed()


def test_commands_pipelined_after_data_do_not_run(server):
    """The envelope, DATA and a message sent in one go, without waiting for 354 (PIPELINING
    is not announced): DATA is refused, the connection closed, nothing delivered."""
    before = count(server)
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    session.send(
        b"MAIL FROM:<a@exterieur.example>\r\n"
        + f"RCPT TO:<jeanne@{DOMAIN}>\r\n".encode()
        + b"DATA\r\nSubject: en rafale\r\n\r\ncorps\r\n.\r\n"
    )
    assert session.reply().startswith("250")
    assert session.reply().startswith("250")
    assert session.reply().startswith("554 5.5.0")
    assert session.closed()
    assert count(server) == before


def test_a_message_after_a_refused_data_is_not_run_as_commands(server):
    """DATA refused (no valid recipient) with a message pipelined behind it: its lines are
    not taken as commands, so the message inside is not delivered."""
    before = count(server)
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    assert session.command("MAIL FROM:<a@exterieur.example>").startswith("250")
    assert session.command(f"RCPT TO:<nobody@{DOMAIN}>").startswith("550")
    session.send(b"DATA\r\n" + SMUGGLED + b".\r\n")
    assert session.reply().startswith("554 5.5.0")
    assert session.closed()
    assert count(server) == before


def test_at_most_100_recipients(server):
    """The 101st RCPT gets 452 4.5.3; the first hundred were accepted."""
    session = RawSmtp(server.smtp_port)
    session.command("EHLO client.exterieur.example")
    session.command("MAIL FROM:<a@exterieur.example>")
    replies = [session.command(f"RCPT TO:<jeanne@{DOMAIN}>") for _ in range(101)]
    assert all(reply.startswith("250") for reply in replies[:100])
    assert replies[100].startswith("452 4.5.3")
    session.close()


@pytest.mark.parametrize("length", [999, 100 * 1024])
def test_an_overlong_header_line_is_refused(server, length):
    """A header line over 998 octets (here 999 and 100 KB) is refused, nothing stored."""
    before = count(server)
    session = open_data(server)
    session.send(b"Subject: " + b"x" * (length - 9) + b"\r\n\r\ncorps\r\n.\r\n")
    assert session.reply().startswith("500")
    session.close()
    assert count(server) == before


def test_smtputf8_and_8bitmime_are_announced_and_work(server):
    """SMTPUTF8 and 8BITMIME are announced; a UTF-8 sender and 8-bit body are delivered."""
    before = count(server)
    session = RawSmtp(server.smtp_port)
    ehlo = session.command("EHLO client.exterieur.example")
    assert "250-8BITMIME" in ehlo
    assert "250-SMTPUTF8" in ehlo
    mail = "MAIL FROM:<élodie@exterieur.example> SMTPUTF8 BODY=8BITMIME"
    assert session.command(mail).startswith("250")
    assert session.command(f"RCPT TO:<jeanne@{DOMAIN}>").startswith("250")
    assert session.command("DATA").startswith("354")
    session.send(
        "From: élodie@exterieur.example\r\nSubject: Réunion\r\n\r\nÇa va.\r\n.\r\n".encode()
    )
    assert session.reply().startswith("250")
    session.close()
    messages = server.state()["messages"]
    assert len(messages) == before + 1
    assert messages[-1]["subject"] == "Réunion"
    assert b"with UTF8SMTP id" in messages[-1]["raw"]


def submit(server: MailServer, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    return swaks(
        server.submission_port,
        "--tls", "--auth", "PLAIN", "--auth-user", user,
        "--auth-password", server.secrets[user], *args,
    )  # fmt: skip


def test_submission_delivers_inside_and_queues_outside(server):
    """Over STARTTLS with an app password: Paul's message to Jeanne lands in her INBOX, the
    copy for an outside address waits in the outbound queue."""
    before = server.state()
    result = submit(
        server, "paul",
        "--from", f"paul@{DOMAIN}", "--to", f"jeanne@{DOMAIN},contact@ailleurs.example",
        "--header", "Subject: Compte rendu du conseil",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "235 2.7.0" in result.stdout
    state = server.state()
    [delivered] = state["messages"][len(before["messages"]) :]
    assert (delivered["mailbox"], delivered["folder"]) == (f"jeanne@{DOMAIN}", "INBOX")
    assert delivered["subject"] == "Compte rendu du conseil"
    assert b"with ESMTPSA id" in delivered["raw"]
    [queued] = state["queued"][len(before["queued"]) :]
    assert queued["sender"] == f"paul@{DOMAIN}"
    assert queued["recipients"] == ["contact@ailleurs.example"]
    # The copy that leaves is the same message, DKIM-signed by mairie.test.
    assert queued["raw"].startswith(b"DKIM-Signature: v=1; a=rsa-sha256;")
    assert b"d=mairie.test;" in queued["raw"]
    assert queued["raw"].endswith(delivered["raw"])


def test_auth_before_starttls_is_refused(server):
    """Without STARTTLS, AUTH is not offered and is refused (538), and MAIL needs AUTH."""
    result = swaks(
        server.submission_port,
        "--auth", "PLAIN", "--auth-user", "paul", "--auth-password", server.secrets["paul"],
        "--from", f"paul@{DOMAIN}", "--to", f"jeanne@{DOMAIN}",
    )  # fmt: skip
    assert result.returncode != 0
    assert "Host did not advertise authentication" in result.stdout + result.stderr
    session = RawSmtp(server.submission_port)
    ehlo = session.command("EHLO client.exterieur.example")
    assert "STARTTLS" in ehlo
    assert "AUTH" not in ehlo
    assert session.command("AUTH PLAIN AHBhdWwAc2VjcmV0").startswith("538 5.7.11")
    assert session.command(f"MAIL FROM:<paul@{DOMAIN}>").startswith("530")
    session.close()


def test_a_wrong_app_password_is_refused(server):
    """A wrong secret over TLS: 535, nothing sent."""
    result = swaks(
        server.submission_port,
        "--tls", "--auth", "PLAIN", "--auth-user", "paul", "--auth-password", "faux-faux-faux",
        "--from", f"paul@{DOMAIN}", "--to", f"jeanne@{DOMAIN}",
    )  # fmt: skip
    assert result.returncode != 0
    assert "535 5.7.8" in result.stdout


def test_a_forged_envelope_sender_is_refused(server):
    """Paul may not send as Jeanne: 550 5.7.1 at MAIL FROM."""
    before = server.state()
    result = submit(server, "paul", "--from", f"jeanne@{DOMAIN}", "--to", "x@ailleurs.example")
    assert result.returncode != 0
    assert "550 5.7.1" in result.stdout
    assert server.state()["queued"] == before["queued"]


def test_a_forged_from_header_is_refused(server):
    """Paul's envelope with « From: Jeanne » in the message: 550 5.7.1 after DATA."""
    before = server.state()
    result = submit(
        server, "paul",
        "--from", f"paul@{DOMAIN}", "--to", "x@ailleurs.example",
        "--header", f"From: Jeanne <jeanne@{DOMAIN}>",
    )  # fmt: skip
    assert result.returncode != 0
    assert "550 5.7.1" in result.stdout.split("354")[-1]
    assert server.state()["queued"] == before["queued"]


def test_sigterm_stops_serve_with_its_smtp_listeners(tmp_path, _migrated_database):  # noqa: PT019
    """With the SMTP listeners running and a client connected, SIGTERM stops the whole
    process cleanly (exit 0) within 10 s."""
    with mail_server(tmp_path, _migrated_database) as running:
        session = RawSmtp(running.smtp_port)
        assert session.greeting.startswith("220 mx.mairie.test")
        assert session.command("EHLO client.exterieur.example").startswith("250")
        process = running.process
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        stopped_in = time.monotonic() - started
        session.close()
    assert code == 0, running.log.read_text()
    assert stopped_in < 10, f"stopped in {stopped_in:.1f} s"
    assert "Beffroi est arrêté." in running.log.read_text()
