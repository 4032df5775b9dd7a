"""The implicit-TLS submission listener (``--submissions-port``): TLS from the first byte, AUTH
offered at once and no STARTTLS; refused to start without a certificate."""

from __future__ import annotations

import asyncio
import smtplib
import ssl

import pytest

from beffroi.mail.protocols.listeners import start_mail_listeners
from beffroi.mail.tests.outbound_peer import certificate
from tests.conftest import free_port


def _ehlo_over_tls(port: int) -> tuple[str, str]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP_SSL("127.0.0.1", port, context=context, timeout=30) as client:
        code, features = client.ehlo("poste.mairie.test")
        assert code == 250
        return features.decode(), client.sock.version() or ""


def test_implicit_tls_offers_auth_at_once(settings, tmp_path):
    cert, key = certificate(tmp_path, "localhost")
    settings.MAIL_TLS_CERT_FILE, settings.MAIL_TLS_KEY_FILE = str(cert), str(key)
    port = free_port()

    async def scenario() -> tuple[list[str], tuple[str, str]]:
        started = await start_mail_listeners("127.0.0.1", {"submissions_port": port})
        try:
            seen = await asyncio.get_running_loop().run_in_executor(None, _ehlo_over_tls, port)
        finally:
            for _line, server in started:
                server.close()
        return [line for line, _server in started], seen

    lines, (features, version) = asyncio.run(scenario())
    assert lines == [f"SMTP (envoi authentifié, TLS) écoute sur 127.0.0.1:{port}"]
    assert version.startswith("TLSv1.")
    assert "AUTH LOGIN PLAIN" in features
    assert "STARTTLS" not in features


def test_implicit_tls_needs_a_certificate(settings):
    settings.MAIL_TLS_CERT_FILE = settings.MAIL_TLS_KEY_FILE = None
    with pytest.raises(OSError, match="--submissions-port demande un certificat"):
        asyncio.run(start_mail_listeners("127.0.0.1", {"submissions_port": free_port()}))
