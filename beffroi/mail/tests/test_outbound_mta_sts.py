"""MTA-STS (RFC 8461) on outbound delivery: the policy found through the ``_mta-sts`` TXT record
and fetched over HTTPS (here through a CONNECT proxy on loopback, the standard ``https_proxy``
variable, to a local HTTPS server whose certificate ``SSL_CERT_FILE`` trusts); in ``enforce``
mode an MX with an unverifiable certificate, or not named by the policy, is a temporary
failure, and a verified one gets the mail."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache import cache

from beffroi.mail.actions import do_submit
from beffroi.mail.delivery.mta_sts import parse_policy, policy_for
from beffroi.mail.delivery.runner import run_queue
from beffroi.mail.models import QueuedMessage
from beffroi.mail.tests.conftest import message
from beffroi.mail.tests.dns_server import dns_server
from beffroi.mail.tests.outbound_peer import Recorder, certificate, peer, server_context
from tests.conftest import free_port

pytestmark = pytest.mark.django_db

SENDER = "agent.voirie@ville-exemple.fr"
OUTSIDE = "destinataire@exterieur.example"
POLICY = "version: STSv1\r\nmode: enforce\r\nmx: {mx}\r\nmax_age: 86400\r\n"


@contextmanager
def https_policy(directory: Path, policy: str) -> Iterator[tuple[int, Path]]:
    """An HTTPS server for mta-sts.exterieur.example serving ``policy``; (port, its cert)."""
    cert, key = certificate(directory, "mta-sts.exterieur.example")
    body = policy.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/.well-known/mta-sts.txt":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_context(cert, key).wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], cert
    finally:
        server.shutdown()
        server.server_close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        target.close()


@contextmanager
def connect_proxy(upstream: int) -> Iterator[tuple[int, list[str]]]:
    """An HTTP CONNECT proxy sending every tunnel to 127.0.0.1:``upstream``; (port, the
    CONNECT targets asked for)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    asked: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = client.recv(4096)
                if not chunk:
                    break
                request += chunk
            asked.append(request.split(b"\r\n", 1)[0].decode())
            remote = socket.create_connection(("127.0.0.1", upstream))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            threading.Thread(target=_pipe, args=(client, remote), daemon=True).start()
            threading.Thread(target=_pipe, args=(remote, client), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], asked
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    """exterieur.example: MX on loopback, an MTA-STS TXT record, the policy over HTTPS (enforce,
    mx.exterieur.example), SSL_CERT_FILE trusting the policy host's certificate."""
    cache.clear()
    records = {
        ("exterieur.example", "MX"): ["10 mx.exterieur.example."],
        ("mx.exterieur.example", "A"): ["127.0.0.1"],
        ("_mta-sts.exterieur.example", "TXT"): ['"v=STSv1; id=20261201"'],
    }
    with (
        dns_server(records) as resolver,
        https_policy(tmp_path, POLICY.format(mx="mx.exterieur.example")) as (https, cert),
        connect_proxy(https) as (proxy, asked),
    ):
        settings.MAIL_DNS_RESOLVERS = [resolver]
        settings.MAIL_MX_PORT = free_port()
        bundle = tmp_path / "ca-bundle.pem"
        bundle.write_bytes(cert.read_bytes())
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        for name in ("https_proxy", "HTTPS_PROXY"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy}")
        for name in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
        yield {"bundle": bundle, "asked": asked, "records": records}
    cache.clear()


def submit(agent) -> QueuedMessage:
    raw = message(sender=SENDER, to=OUTSIDE)
    queued = do_submit(raw, SENDER, [], [OUTSIDE], agent=agent)
    assert queued is not None
    return queued


def test_the_policy_is_fetched_over_https_and_cached(domain, world):
    """The TXT id leads to the HTTPS policy; a second lookup with the same id uses the cache."""
    policy = policy_for("exterieur.example")
    assert policy is not None
    assert (policy.mode, policy.mx, policy.max_age) == ("enforce", ("mx.exterieur.example",), 86400)
    [asked] = world["asked"]
    assert asked.startswith("CONNECT mta-sts.exterieur.example:443 ")
    assert policy_for("exterieur.example") == policy
    assert len(world["asked"]) == 1


def test_enforce_with_an_unverifiable_certificate_is_a_temporary_failure(
    domain, agent_voirie, world, settings, tmp_path
):
    """The MX offers STARTTLS with a certificate nobody vouches for: nothing is sent, the
    message waits (no bounce)."""
    queued = submit(agent_voirie)
    tls = server_context(*certificate(tmp_path, "mx.exterieur.example"))
    with peer(settings.MAIL_MX_PORT, Recorder(), tls=tls) as recorder:
        run_queue()
    assert recorder.received == []
    queued.refresh_from_db()
    assert "TLS failed" in queued.last_error
    assert queued.recipient_states.get().state == "pending"


def test_enforce_with_a_verified_certificate_delivers(
    domain, agent_voirie, world, settings, tmp_path
):
    """The same MX with a certificate the CA bundle trusts gets the message over TLS."""
    cert, key = certificate(tmp_path, "mx.exterieur.example")
    world["bundle"].write_bytes(world["bundle"].read_bytes() + cert.read_bytes())
    submit(agent_voirie)
    with peer(settings.MAIL_MX_PORT, Recorder(), tls=server_context(cert, key)) as recorder:
        run_queue()
    [received] = recorder.received
    assert received.tls
    assert not QueuedMessage.objects.exists()


def test_enforce_refuses_an_mx_the_policy_does_not_name(domain, agent_voirie, world, settings):
    """An MX outside the policy's ``mx`` list is never used (a temporary failure)."""
    world["records"][("exterieur.example", "MX")] = ["10 autre.exterieur.example."]
    world["records"][("autre.exterieur.example", "A")] = ["127.0.0.1"]
    queued = submit(agent_voirie)
    with peer(settings.MAIL_MX_PORT, Recorder()) as recorder:
        run_queue()
    assert recorder.received == []
    queued.refresh_from_db()
    assert "not an MX host of the MTA-STS policy" in queued.last_error


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("version: STSv1\nmode: enforce\nmx: mx.a.example\nmax_age: 600\n", True),
        ("version: STSv1\nmode: testing\nmx: *.a.example\nmax_age: 600\n", True),
        ("version: STSv2\nmode: enforce\nmx: mx.a.example\nmax_age: 600\n", False),
        ("version: STSv1\nmode: strict\nmx: mx.a.example\nmax_age: 600\n", False),
        ("version: STSv1\nmode: enforce\nmax_age: 600\n", False),
        ("version: STSv1\nmode: enforce\nmx: mx.a.example\nmax_age: demain\n", False),
    ],
)
def test_policy_files_are_read_strictly(text, valid):
    assert (parse_policy(text, "1") is not None) is valid


def test_a_wildcard_matches_one_label_only():
    policy = parse_policy("version: STSv1\nmode: enforce\nmx: *.a.example\nmax_age: 1\n", "1")
    assert policy is not None
    assert policy.allows("mx1.a.example")
    assert not policy.allows("a.example")
    assert not policy.allows("x.mx1.a.example")
