"""Helpers for the mail process tests: one ``beffroi serve`` with its SMTP listeners, a raw
SMTP client for what swaks would normalise, and a look into the store."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from beffroi.files.blobs.keys import Keyring, open_key, record_tag
from beffroi.files.blobs.sealed import BlobReader
from tests.conftest import _base_env, _postgres_database, beffroi, free_port

DOMAIN = "mairie.test"
PASSWORD = "un mot de passe assez long"

# The store as the tests read it: the server's database opened from this process (SQLite
# read-only, or a PostgreSQL connection) and the blobs decrypted with the instance's keyring,
# instead of a ``beffroi shell`` process per look (about 2 s each).
MESSAGES = """
SELECT box.address, folder.name, message.uid, message.modseq, message.subject, message.blob_id
FROM mail_message message
JOIN mail_folder folder ON folder.id = message.folder_id
JOIN mail_mailbox box ON box.id = folder.mailbox_id
ORDER BY message.created_at, message.id
"""
QUEUED = """
SELECT envelope_sender, recipients, blob_id FROM mail_queuedmessage ORDER BY created_at, id
"""
KEY_RECORD = "SELECT wrapped_key FROM files_blob WHERE sha256 = {mark}"
# The blob store's chunk size (settings.FILES_CHUNK_BYTES), fixed by the encrypted format.
CHUNK_BYTES = 64 * 1024


class _BlobFile:
    """A stored blob's ciphertext, as the blob reader asks for it (the ``Source`` protocol)."""

    def __init__(self, path: Path) -> None:
        self.data = path.read_bytes()
        self.size = len(self.data)

    def read_at(self, offset: int, length: int) -> bytes:
        return self.data[offset : offset + length]

    def close(self) -> None:
        self.data = b""


def _blob(data_dir: Path, record: bytes) -> bytes:
    """The plaintext of a blob of the local store, with the instance's keyring."""
    lines = (data_dir / "master.key").read_text(encoding="ascii").splitlines()
    ring = Keyring(
        tuple(bytes.fromhex(line.strip()) for line in lines if line.strip()[:1] not in ("", "#"))
    )
    tag = record_tag(record)
    source = _BlobFile(data_dir / "blobs" / tag.hex()[:2] / tag.hex())
    reader = BlobReader(source, tag=tag, data_key=open_key(record, ring), chunk_bytes=CHUNK_BYTES)
    with reader:
        return reader.read()


@contextmanager
def _database(env: dict[str, str]) -> Iterator[tuple[Any, str]]:
    """A read-only connection to the server's database, and its parameter mark."""
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            yield connection, "%s"
        return
    path = Path(env["BEFFROI_DATA_DIR"]) / "beffroi.sqlite3"
    local = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        yield local, "?"
    finally:
        local.close()


def queued_count(env: dict[str, str]) -> int:
    """How many messages the server's outbound queue still holds (a row leaves once every
    recipient is delivered or failed: none left, nothing more will be sent)."""
    with _database(env) as (connection, _mark):
        [(count,)] = connection.execute("SELECT count(*) FROM mail_queuedmessage").fetchall()
    return int(count)


@dataclass
class MailServer:
    env: dict[str, str]
    smtp_port: int
    submission_port: int
    secrets: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]

    def state(self) -> dict[str, list[dict[str, object]]]:
        """Every stored and queued message (oldest first), with its raw bytes."""
        data_dir = Path(self.env["BEFFROI_DATA_DIR"])
        with _database(self.env) as (connection, mark):

            def raw(sha256: str) -> bytes:
                [(record,)] = connection.execute(KEY_RECORD.format(mark=mark), (sha256,))
                return _blob(data_dir, bytes(record))

            messages = [
                {"mailbox": mailbox, "folder": folder, "uid": uid, "modseq": modseq,
                 "subject": subject, "raw": raw(blob)}
                for mailbox, folder, uid, modseq, subject, blob
                in connection.execute(MESSAGES).fetchall()
            ]  # fmt: skip
            queued = [
                {"sender": sender,
                 "recipients": json.loads(recipients) if isinstance(recipients, str)
                 else recipients,
                 "raw": raw(blob)}
                for sender, recipients, blob in connection.execute(QUEUED).fetchall()
            ]  # fmt: skip
        return {"messages": messages, "queued": queued}


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


PREPARE = """
import json
from beffroi.directory.actions import NewAgent, do_create_agent, do_create_app_password
from beffroi.mail.actions import do_add_domain
agents = [
    do_create_agent(NewAgent(username=name, password=PASSWORD, email=f"{name}@{DOMAIN}"))
    for name in ("jeanne", "paul")
]
do_add_domain(DOMAIN)
print(json.dumps({
    agent.username: do_create_app_password(agent, "messagerie", ["mail"])[1] for agent in agents
}))
"""


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Jeanne and Paul in mairie.test (with their mailboxes), an app password each: through
    the actions ``beffroi user add``, ``mail domain add`` and ``app-password add`` call, in one
    process instead of five (the commands themselves are tested in test_cli_mail.py)."""
    code = f"PASSWORD = {PASSWORD!r}\nDOMAIN = {DOMAIN!r}\n" + PREPARE
    result = beffroi("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


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
        lines: list[str] = []
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
