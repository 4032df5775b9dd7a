"""Mail over SMTP, side by side with Postfix (Debian) delivering to Maildirs on the same machine.

Issue 7's benchmark. On a fresh instance (SQLite in a temporary data directory, or the
PostgreSQL database given with ``--database-url``, which it empties first), a domain with a
few agents' mailboxes and an app password for mail; ``beffroi serve --smtp-port
--submission-port`` with a self-signed certificate for STARTTLS. Then a private Postfix
(``bench/harness/postfix.py``: its own configuration directory, loopback only, a high port,
virtual mailboxes of the same domain delivered as Maildirs, the same certificate). Against each:

1. **inbound**: C clients at once (threads, ``smtplib``), each on one connection sending M
   messages of ~4 KiB to the domain's mailboxes in turn. Beffroi answers 250 once the message
   is stored (the delivery is done); Postfix answers 250 once it is queued, and delivers after:
   both times are kept for Postfix, and the ratio is on the time until every message is in its
   mailbox (Beffroi's database, Postfix's Maildirs), each side checked for the exact count;
2. **submission to delivery**: N messages one after the other on one session (STARTTLS, then
   AUTH PLAIN with the app password on Beffroi's submission port; STARTTLS only on Postfix, which
   accepts loopback clients through ``mynetworks``: Debian's Postfix has no SASL backend without
   Dovecot or Cyrus), each timed from the start of the SMTP transaction to the moment it is
   visible in the recipient's mailbox (a row of the database read from here; a new file in the
   Maildir's ``new/``): p50 and p95;
3. **memory**: every 250 ms, the PSS summed over the server's processes (Postfix's master and
   its daemons; Beffroi's ``serve``), the peak kept, and Beffroi's VmHWM.

Prints a table with the ratio Beffroi / Postfix (durations and memory: above 1, Beffroi uses
more), writes ``bench/results/mail.json`` (``mail-quick.json`` with ``--quick``), and exits 1
when a message is refused or missing. There is no speed target: the figures are for reading.

    .venv/bin/python bench/mail.py [--quick] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import shutil
import smtplib
import socket
import sqlite3
import ssl
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    REPOSITORY,
    beffroi,
    database_label,
    empty_database,
    free_port,
    instance_env,
    peak_memory_mib,
    ratio,
    running,
    write_results,
)
from bench.harness.memory import TreeMemory
from bench.harness.postfix import Postfix, configure, unavailable

DOMAIN = "mairie-mesure.test"
SENDER = "agent.envoi"
RECIPIENT = "destinataire"
EXTERNAL = "administre@exterieur.example"

_CREATE_AGENTS = """
from beffroi.directory.models import Agent
for name in NAMES:
    Agent.objects.create(username=name, email=f"{name}@{DOMAIN}")
"""


@dataclass(frozen=True)
class Sizes:
    clients: int
    messages_per_client: int
    message_bytes: int
    latency_samples: int
    mailboxes: int


FULL = Sizes(
    clients=4, messages_per_client=500, message_bytes=4096, latency_samples=200, mailboxes=8
)
QUICK = Sizes(
    clients=2, messages_per_client=10, message_bytes=4096, latency_samples=10, mailboxes=3
)

PARAGRAPH = (
    "Madame, Monsieur, je me permets de vous écrire au sujet de la réfection du trottoir de la "
    "rue des Tilleuls, devant l'école élémentaire : les dalles soulevées gênent le passage des "
    "poussettes et des fauteuils. Pourriez-vous me dire si des travaux sont prévus cet été ? "
)


def _local_parts(sizes: Sizes) -> list[str]:
    return [f"agent.{number:02d}" for number in range(1, sizes.mailboxes + 1)]


def message(number: int, recipient: str, size: int, tag: str) -> tuple[str, bytes]:
    """A French message of about ``size`` bytes; its Message-ID (without brackets) and bytes."""
    message_id = f"{tag}-{number}@exterieur.example"
    head = (
        f"From: Administré {number} <{EXTERNAL}>\r\n"
        f"To: {recipient}\r\n"
        f"Subject: Demande n° {number} : trottoir rue des Tilleuls\r\n"
        f"Date: {format_datetime(datetime.datetime.now(datetime.UTC))}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    body = b""
    while len(head) + len(body) < size:
        body += PARAGRAPH.encode() + b"\r\n"
    return message_id, head + body


def _tls() -> ssl.SSLContext:
    # Both servers present the bench's self-signed certificate: encrypted, not verified.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"mx.{DOMAIN}")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    cert, private = directory / "cert.pem", directory / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    for path in (directory, cert, private):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return cert, private


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _latency_figures(seconds: list[float]) -> dict[str, float]:
    milliseconds = [value * 1000 for value in seconds]
    return {
        "n": len(milliseconds),
        "p50_ms": round(_percentile(milliseconds, 0.5), 1),
        "p95_ms": round(_percentile(milliseconds, 0.95), 1),
        "mean_ms": round(statistics.fmean(milliseconds), 1),
        "max_ms": round(max(milliseconds), 1),
    }


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"rien n'écoute sur le port {port}") from None
            time.sleep(0.1)


# --- Measures shared by both servers ------------------------------------------------------------


def inbound(port: int, sizes: Sizes, recipients: list[str], tag: str) -> dict[str, Any]:
    """C clients at once, M messages each on one connection: the time until the last 250."""
    errors: list[str] = []
    barrier = threading.Barrier(sizes.clients + 1)

    def client(number: int) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, local_hostname="client.exterieur.example",
                              timeout=300) as session:  # fmt: skip
                session.ehlo()
                barrier.wait()
                for index in range(sizes.messages_per_client):
                    serial = number * sizes.messages_per_client + index
                    recipient = recipients[serial % len(recipients)]
                    _id, raw = message(serial, recipient, sizes.message_bytes, tag)
                    session.sendmail(EXTERNAL, [recipient], raw)
        except (smtplib.SMTPException, OSError, threading.BrokenBarrierError) as error:
            errors.append(f"client {number} : {error!r}"[:300])
            barrier.abort()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(sizes.clients)]
    for thread in threads:
        thread.start()
    with suppress(threading.BrokenBarrierError):
        barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "started": started, "errors": errors}


def submissions(
    port: int,
    sizes: Sizes,
    login: tuple[str, str] | None,
    sender: str,
    delivered: Callable[[str], bool],
    tag: str,
) -> dict[str, Any]:
    """N messages one after the other on one session, each timed until it is in the mailbox."""
    recipient = f"{RECIPIENT}@{DOMAIN}"
    started = time.perf_counter()
    session = smtplib.SMTP(
        "127.0.0.1", port, local_hostname="poste.mairie-mesure.test", timeout=120
    )
    session.ehlo()
    session.starttls(context=_tls())
    session.ehlo()
    if login is not None:
        session.login(*login)
    opening = time.perf_counter() - started
    timings: list[float] = []
    errors: list[str] = []
    try:
        for number in range(sizes.latency_samples):
            message_id, raw = message(number, recipient, sizes.message_bytes, tag)
            raw = raw.replace(
                f"From: Administré {number} <{EXTERNAL}>".encode(), f"From: <{sender}>".encode()
            )
            started = time.perf_counter()
            session.sendmail(sender, [recipient], raw)
            deadline = started + 120
            while not delivered(message_id):
                if time.perf_counter() > deadline:
                    errors.append(f"message {number} absent de la boîte après 120 s")
                    break
                time.sleep(0.001)
            else:
                timings.append(time.perf_counter() - started)
    finally:
        session.quit()
    figures: dict[str, Any] = {"session_open_ms": round(opening * 1000, 1), "errors": errors}
    if timings:
        figures.update(_latency_figures(timings))
    return figures


# --- Beffroi ------------------------------------------------------------------------------------


@contextmanager
def _store_reader(env: dict[str, str]) -> Iterator[Callable[[str, tuple[Any, ...]], list[Any]]]:
    """Queries on the instance's database from this process (read-only for SQLite)."""
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            yield lambda sql, parameters: connection.execute(
                sql.replace("?", "%s"), parameters
            ).fetchall()
        return
    path = Path(env["BEFFROI_DATA_DIR"]) / "beffroi.sqlite3"
    local = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        yield lambda sql, parameters: local.execute(sql, parameters).fetchall()
    finally:
        local.close()


FOUND = """
SELECT 1 FROM mail_message message
JOIN mail_folder folder ON folder.id = message.folder_id
JOIN mail_mailbox box ON box.id = folder.mailbox_id
WHERE box.address = ? AND message.message_id IN (?, ?)
"""
COUNT = """
SELECT count(*) FROM mail_message message
JOIN mail_folder folder ON folder.id = message.folder_id
WHERE folder.special_use = 'inbox' AND message.message_id LIKE ?
"""


def _prepare_beffroi(env: dict[str, str], sizes: Sizes) -> str:
    """Agents with their mailboxes in the domain, and the sender's app password for mail."""
    beffroi("migrate", "--verbosity", "0", env=env)
    names = [SENDER, RECIPIENT, *_local_parts(sizes)]
    code = f"NAMES = {names!r}\nDOMAIN = {DOMAIN!r}\n" + _CREATE_AGENTS
    beffroi("shell", "--no-imports", "-c", code, env=env)
    beffroi("mail", "domain", "add", DOMAIN, env=env)
    return beffroi(
        "app-password", "add", SENDER, "--label", "mesure", "--scope", "mail", env=env
    ).strip()


def run_beffroi(
    env: dict[str, str], sizes: Sizes, scratch: Path, cert: Path, key: Path
) -> dict[str, Any]:
    env = {
        **env,
        "BEFFROI_MAIL_TLS_CERT_FILE": str(cert),
        "BEFFROI_MAIL_TLS_KEY_FILE": str(key),
        "BEFFROI_MAIL_HOSTNAME": f"mx.{DOMAIN}",
        "BEFFROI_MAIL_INBOUND_PER_MINUTE": str(10**7),
        "BEFFROI_MAIL_QUOTA_MIB": "0",
    }
    print("… Beffroi : préparation", flush=True)
    secret = _prepare_beffroi(env, sizes)
    http, smtp, submission = free_port(), free_port(), free_port()
    command = [
        sys.executable, "-m", "beffroi", "serve", "--no-migrate", "--port", str(http),
        "--smtp-port", str(smtp), "--submission-port", str(submission),
    ]  # fmt: skip
    figures: dict[str, Any] = {}
    recipients = [f"{part}@{DOMAIN}" for part in _local_parts(sizes)]
    total = sizes.clients * sizes.messages_per_client
    with (
        running(command, port=smtp, log=scratch / "serve.log", env=env) as process,
        _store_reader(env) as query,
    ):
        _wait_for_port(submission)
        with TreeMemory(process.pid, interval=0.25) as memory:
            print("… Beffroi : réception", flush=True)
            received = inbound(smtp, sizes, recipients, "entrant")
            stored = query(COUNT, ("<entrant-%",))[0][0]
            figures["inbound"] = {
                "seconds": round(received["seconds"], 2),
                "messages": total,
                "stored": stored,
                "messages_s": round(total / received["seconds"], 1),
                "errors": received["errors"],
            }
            print(f"  Beffroi inbound : {figures['inbound']}", flush=True)
            print("… Beffroi : soumission jusqu'à la boîte", flush=True)

            def delivered(message_id: str) -> bool:
                return bool(query(FOUND, (f"{RECIPIENT}@{DOMAIN}", message_id, f"<{message_id}>")))

            figures["submission"] = submissions(
                submission, sizes, (SENDER, secret), f"{SENDER}@{DOMAIN}", delivered, "soumis"
            )
            print(f"  Beffroi submission : {figures['submission']}", flush=True)
        figures["memory"] = {
            **memory.figures(),
            "vmhwm_mib": peak_memory_mib(process.pid)["process"],
        }
    return figures


# --- Postfix ------------------------------------------------------------------------------------


def _maildir_count(postfix: Postfix, parts: list[str]) -> int:
    return sum(len(os.listdir(postfix.maildir(part))) for part in parts)


def run_postfix(sizes: Sizes, home: Path, cert: Path, key: Path) -> dict[str, Any]:
    parts = _local_parts(sizes)
    postfix = configure(home, free_port(), DOMAIN, [RECIPIENT, *parts], cert, key)
    print("… Postfix : démarrage", flush=True)
    postfix.start()
    figures: dict[str, Any] = {}
    total = sizes.clients * sizes.messages_per_client
    try:
        _wait_for_port(postfix.port)
        with TreeMemory(postfix.master_pid(), interval=0.25) as memory:
            print("… Postfix : réception", flush=True)
            received = inbound(
                postfix.port, sizes, [f"{part}@{DOMAIN}" for part in parts], "entrant"
            )
            # Stop waiting when nothing more arrives for a minute (a delivery agent failing).
            count, progress = 0, time.perf_counter()
            while count < total and time.perf_counter() - progress < 60:
                time.sleep(0.01)
                if (now := _maildir_count(postfix, parts)) > count:
                    count, progress = now, time.perf_counter()
            if count < total:
                print(postfix.log()[-3000:])
            delivered_seconds = time.perf_counter() - received["started"]
            figures["inbound"] = {
                "seconds": round(delivered_seconds, 2),
                "accepted_seconds": round(received["seconds"], 2),
                "messages": total,
                "stored": count,
                "messages_s": round(total / delivered_seconds, 1),
                "accepted_messages_s": round(total / received["seconds"], 1),
                "errors": received["errors"],
            }
            print(f"  Postfix inbound : {figures['inbound']}", flush=True)
            print("… Postfix : soumission jusqu'à la boîte", flush=True)
            arrivals = postfix.maildir(RECIPIENT)
            seen = {"count": len(os.listdir(arrivals))}

            def delivered(_message_id: str) -> bool:
                # One message at a time: the next file in new/ is the one just sent.
                count = len(os.listdir(arrivals))
                if count > seen["count"]:
                    seen["count"] = count
                    return True
                return False

            figures["submission"] = submissions(
                postfix.port, sizes, None, f"{SENDER}@{DOMAIN}", delivered, "soumis"
            )
            print(f"  Postfix submission : {figures['submission']}", flush=True)
        figures["memory"] = memory.figures()
    finally:
        postfix.stop()
    return figures


# --- Table --------------------------------------------------------------------------------------


def _rows(
    ours: dict[str, Any], theirs: dict[str, Any] | None, sizes: Sizes
) -> list[dict[str, Any]]:
    theirs = theirs or {}
    rows = []
    load = (
        f"{sizes.clients} clients × {sizes.messages_per_client} messages "
        f"de ~{sizes.message_bytes // 1024} Kio"
    )
    mine, other = ours.get("inbound", {}), theirs.get("inbound", {})
    rows.append(
        {
            "measure": f"entrant, {load} (jusqu'à la boîte)",
            "beffroi": f"{mine.get('messages_s', 0):.0f} msg/s ({mine.get('seconds', 0):.1f} s)",
            "postfix": f"{other['messages_s']:.0f} msg/s ({other['seconds']:.1f} s ; "
            f"accepté : {other['accepted_messages_s']:.0f} msg/s)"
            if other
            else "—",
            "ratio": ratio(mine["seconds"], other["seconds"]) if other and mine else None,
        }
    )
    mine, other = ours.get("submission", {}), theirs.get("submission", {})
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95")):
        rows.append(
            {
                "measure": f"soumission → boîte locale, {label} ({sizes.latency_samples} messages)",
                "beffroi": f"{mine[key]:.1f} ms" if key in mine else "—",
                "postfix": f"{other[key]:.1f} ms" if key in other else "—",
                "ratio": ratio(mine[key], other[key]) if key in mine and key in other else None,
            }
        )
    rows.append(
        {
            "measure": "ouverture de session (STARTTLS ; Beffroi : + AUTH)",
            "beffroi": f"{mine.get('session_open_ms', 0):.0f} ms",
            "postfix": f"{other['session_open_ms']:.0f} ms (sans AUTH)" if other else "—",
            "ratio": ratio(mine["session_open_ms"], other["session_open_ms"])
            if other and mine
            else None,
        }
    )
    mine, other = ours.get("memory", {}), theirs.get("memory", {})
    rows.append(
        {
            "measure": "mémoire maximale (PSS, tous processus)",
            "beffroi": f"{mine.get('pss_mib', 0):.0f} Mio (VmHWM {mine.get('vmhwm_mib', 0):.0f})",
            "postfix": f"{other['pss_mib']:.0f} Mio ({other['processes']} processus au plus)"
            if other
            else "—",
            "ratio": ratio(mine["pss_mib"], other["pss_mib"]) if other and mine else None,
        }
    )
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    header = f"{'mesure':<62} {'beffroi':>26} {'postfix':>50} {'rapport':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        shown = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"{row['measure']:<62} {row['beffroi']:>26} {row['postfix']:>50} {shown:>8}")
    print("(rapport = Beffroi / Postfix, en durée et en mémoire : au-dessus de 1, Beffroi est "
          "plus lent ou plus gros)")  # fmt: skip


def _problems(figures: dict[str, Any], sizes: Sizes) -> list[str]:
    problems: list[str] = []
    total = sizes.clients * sizes.messages_per_client
    for server, found in figures.items():
        received = found.get("inbound", {})
        problems.extend(f"{server} : {error}" for error in received.get("errors", []))
        if received and received["stored"] != total:
            problems.append(f"{server} : {received['stored']} messages reçus sur {total}")
        submitted = found.get("submission", {})
        problems.extend(f"{server} : {error}" for error in submitted.get("errors", []))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="petites tailles (test de la suite)")
    parser.add_argument(
        "--database-url", help="base PostgreSQL à utiliser (vidée d'abord) au lieu de SQLite"
    )
    parser.add_argument("--clients", type=int, help=f"clients SMTP simultanés ({FULL.clients})")
    parser.add_argument(
        "--messages", type=int, help=f"messages par client ({FULL.messages_per_client})"
    )
    parser.add_argument(
        "--samples", type=int, help=f"messages soumis un à un ({FULL.latency_samples})"
    )
    options = parser.parse_args()
    sizes = QUICK if options.quick else FULL
    changes = {
        "clients": options.clients,
        "messages_per_client": options.messages,
        "latency_samples": options.samples,
    }
    sizes = dataclasses.replace(sizes, **{k: v for k, v in changes.items() if v})

    notes: list[str] = []
    load_before = os.getloadavg()[0]
    figures: dict[str, Any] = {}
    scratch = Path(tempfile.mkdtemp(prefix="beffroi-bench-mail-"))
    try:
        # Postfix's daemons run as the postfix user and must reach their directories in here.
        scratch.chmod(0o755)
        (scratch / "tls").mkdir()
        cert, key = _self_signed(scratch / "tls")
        if options.database_url:
            empty_database(options.database_url)
        env = instance_env(scratch / "var", database_url=options.database_url)
        figures["beffroi"] = run_beffroi(env, sizes, scratch, cert, key)
        why_not = unavailable()
        if why_not is None:
            figures["postfix"] = run_postfix(sizes, scratch / "postfix", cert, key)
        else:
            notes.append(f"Postfix non mesuré : {why_not}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rows = _rows(figures["beffroi"], figures.get("postfix"), sizes)
    _print_table(rows)
    problems = _problems(figures, sizes)
    for note in notes:
        print(f"note : {note}")
    for problem in problems:
        print(f"ERREUR : {problem}")
    path = write_results(
        "mail-quick" if options.quick else "mail",
        {
            "database": database_label(options.database_url),
            "sizes": dataclasses.asdict(sizes),
            "rows": rows,
            "figures": figures,
            "notes": notes,
            "problems": problems,
        },
        load_before=load_before,
    )
    print(f"résultats : {path.relative_to(REPOSITORY)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
