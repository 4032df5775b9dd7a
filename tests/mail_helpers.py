"""Helpers for the mail process tests: one ``beffroi serve`` with its SMTP listeners, a raw
SMTP client for what swaks would normalise, and a look into the store."""

from __future__ import annotations

import base64
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import _base_env, _postgres_database, beffroi, free_port

DOMAIN = "mairie.test"
PASSWORD = "un mot de passe assez long"

STATE = """
import base64, json
from beffroi.mail.models import Message, QueuedMessage
from beffroi.mail.store import read_raw
print(json.dumps({
    "messages": [
        {"mailbox": m.folder.mailbox.address, "folder": m.folder.name, "uid": m.uid,
         "modseq": m.modseq, "subject": m.subject,
         "raw": base64.b64encode(read_raw(m.blob_id)).decode()}
        for m in Message.objects.select_related("folder__mailbox").order_by("created_at")
    ],
    "queued": [
        {"sender": q.envelope_sender, "recipients": q.recipients,
         "raw": base64.b64encode(read_raw(q.blob_id)).decode()}
        for q in QueuedMessage.objects.order_by("created_at")
    ],
}))
"""


@dataclass
class MailServer:
    env: dict[str, str]
    smtp_port: int
    submission_port: int
    secrets: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]

    def state(self) -> dict[str, list[dict[str, object]]]:
        result = beffroi("shell", "-c", STATE, env=self.env)
        assert result.returncode == 0, result.stderr
        state = json.loads(result.stdout.strip().splitlines()[-1])
        for item in state["messages"] + state["queued"]:
            item["raw"] = base64.b64decode(item["raw"])
        return state


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def instance_env(root: Path, migrated: str) -> Iterator[dict[str, str]]:
    """A fresh instance (copied from the migrated template), like ``process_env``, for a
    whole module."""
    env = _base_env(root / "var")
    if not os.environ.get("DATABASE_URL"):
        env.pop("REDIS_URL", None)
        (root / "var").mkdir(mode=0o700)
        shutil.copyfile(migrated, root / "var" / "beffroi.sqlite3")
        yield env
        return
    with _postgres_database("beffroi_mail", template=migrated) as url:
        env["DATABASE_URL"] = url
        yield env


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Jeanne and Paul in mairie.test (with their mailboxes), an app password each."""
    secrets = {}
    for username in ("jeanne", "paul"):
        added = beffroi(
            "user", "add", username, "--email", f"{username}@{DOMAIN}", "--password-stdin",
            env=env, stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    added = beffroi("mail", "domain", "add", DOMAIN, env=env)
    assert added.returncode == 0, added.stderr
    for username in ("jeanne", "paul"):
        issued = beffroi(
            "app-password", "add", username, "--label", "messagerie", "--scope", "mail", env=env
        )
        assert issued.returncode == 0, issued.stderr
        secrets[username] = issued.stdout.strip()
    return secrets


def wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no SMTP listener on {port} within 90 s:\n{log.read_text()}")


@contextmanager
def mail_server(root: Path, migrated: str, **settings: str) -> Iterator[MailServer]:
    with instance_env(root, migrated) as env:
        cert, key = self_signed_certificate(root)
        env.update(
            BEFFROI_MAIL_TLS_CERT_FILE=str(cert),
            BEFFROI_MAIL_TLS_KEY_FILE=str(key),
            BEFFROI_MAIL_HOSTNAME="mx.mairie.test",
            **settings,
        )
        secrets = prepare(env)
        smtp_port, submission_port, http_port = free_port(), free_port(), free_port()
        log = root / "serve.log"
        with log.open("ab") as output:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "beffroi", "serve", "--no-migrate",
                    "--port", str(http_port), "--smtp-port", str(smtp_port),
                    "--submission-port", str(submission_port),
                ],
                env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            wait_for_port(process, smtp_port, log)
            wait_for_port(process, submission_port, log)
            yield MailServer(env, smtp_port, submission_port, secrets, log, process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


class RawSmtp:
    """Bytes on a socket, exactly as written: for what swaks would normalise."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buffer = b""
        self.greeting = self.reply()

    def send(self, data: bytes) -> None:
        self.socket.sendall(data)

    def reply(self) -> str:
        """One whole reply (every line of a multi-line one)."""
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                chunk = self.socket.recv(65536)
                if not chunk:
                    return "\n".join(lines) or "(closed)"
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            lines.append(line.decode("utf-8", "replace"))
            if len(line) < 4 or line[3:4] != b"-":
                return "\n".join(lines)

    def command(self, line: str | bytes) -> str:
        self.send(line if isinstance(line, bytes) else line.encode() + b"\r\n")
        return self.reply()

    def closed(self) -> bool:
        """Whether the server hung up (after what it already said)."""
        try:
            self.socket.settimeout(5)
            return self.socket.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.socket.close()
