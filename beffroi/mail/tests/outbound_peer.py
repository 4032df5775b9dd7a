"""The outbound tests' peer: a second SMTP server on loopback (aiosmtpd), standing for the
world's mail servers or the smarthost. It records each envelope it accepts; it is the test's
peer, not the code under test. Also certificates for it, and a DKIM lookup for dkimpy."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from beffroi.mail import queries
from beffroi.mail.dkim_keys import dns_record
from beffroi.mail.models import Domain


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes
    tls: bool


@dataclass
class Recorder:
    """Accepts everything, except the recipients given a reply in ``refuse``."""

    refuse: dict[str, str] = field(default_factory=dict)
    data_reply: str = "250 2.0.0 OK: queued"
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_reply.startswith("250"):
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    session.ssl is not None,
                )
            )
        return self.data_reply


@contextmanager
def peer(
    port: int,
    recorder: Recorder,
    *,
    tls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
) -> Iterator[Recorder]:
    """An SMTP server on 127.0.0.1:``port`` (offering STARTTLS with ``tls``, or speaking TLS
    from the first byte with ``implicit_tls``)."""
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        ssl_context=implicit_tls,
        tls_context=tls,
        require_starttls=False,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


def certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (its own trust anchor when listed in
    SSL_CERT_FILE)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.pem", directory / f"{name}.key"
    cert_file.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def dkim_dns(domain: Domain) -> Any:
    """A ``dnsfunc`` for ``dkim.verify``: the domain's published DKIM records."""
    records = {
        f"{key.selector}._domainkey.{domain.name}": dns_record(key.public_key).encode()
        for key in queries.published_keys(domain)
    }

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        return records.get(name.decode().rstrip("."))

    return lookup
