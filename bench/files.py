"""Drive over WebDAV, side by side with Apache mod_dav serving the same data on loopback.

Issue 4's benchmark: upload and download of a 1 GiB file, 2,000 small files through rclone,
PROPFIND Depth 1 on a 10,000-entry folder, and the listing of that folder; for each, Beffroi and
Apache httpd with mod_dav (Debian ``apache2``, started here as an unprivileged process with its
own configuration in a temporary directory: DAV On, DAVLockDB, HTTP Basic with htpasswd).

What it does, on a fresh embedded instance (SQLite in a temporary data directory, or the
PostgreSQL database given with ``--database-url``, which it empties first):

1. creates an agent, ``agent.mesure``, with an app password for files, and puts 10,000 small
   files at the root of their drive through ``beffroi.files.actions`` in a ``beffroi shell``
   process (Apache's copy is written straight to its directory);
2. starts ``beffroi serve --role web`` and, in turn, Apache on loopback, and measures against
   each: PROPFIND Depth 1 (allprop) on that 10,000-entry folder, and its listing: the drive's
   folder page (``/drive/`` → the personal space → ``/drive/dossiers/<id>/``, signed in through
   the web form) when the web interface has one, otherwise the PROPFIND a file manager sends
   for a listing (named properties), said so in the table; Apache's listing is mod_autoindex's
   HTML page. Then PUT and GET of the big file (streamed, checked by SHA-256), and
   ``rclone copy`` of the small files up then back down (checked byte for byte);
3. reads each server's peak resident memory (VmHWM; Apache's summed over its processes).

Prints a table with throughput, latency and the ratio Beffroi / Apache, writes
``bench/results/files.json`` (``files-quick.json`` with ``--quick``), and exits 1 when a check
of correctness fails (bytes that differ, a missing entry, an rclone error). There is no speed
target: the figures are for reading.

    .venv/bin/python bench/files.py [--quick] [--database-url postgres://…]
"""

# The passwords below are made-up test values, and the processes started are our own command
# and the servers compared with it.
# ruff: noqa: S105, S311, S603, S607

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    REPOSITORY,
    Client,
    add_agent,
    beffroi,
    database_label,
    empty_database,
    free_port,
    instance_env,
    peak_memory_mib,
    ratio,
    running,
    show,
    summary,
    timed,
    write_results,
)
from bench.harness.web import Connection, sign_in_form

USERNAME = "agent.mesure"
PASSWORD = "Mesure-du-drive-2026!"
APACHE_MODULES = (
    "mpm_event",
    "authn_core",
    "authn_file",
    "authz_core",
    "authz_user",
    "auth_basic",
    "mime",
    "dir",
    "autoindex",
    "dav",
    "dav_fs",
)
MODULES_DIR = Path("/usr/lib/apache2/modules")
APACHE = Path("/usr/sbin/apache2")
CHUNK = 1024 * 1024
LISTING_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<D:propfind xmlns:D="DAV:"><D:prop>'
    b"<D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:displayname/>"
    b"<D:getcontenttype/><D:getetag/></D:prop></D:propfind>"
)
ALLPROP = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
)
RESPONSE_TAG = re.compile(rb"<(?:[A-Za-z0-9]+:)?response[\s>]")


@dataclass(frozen=True)
class Sizes:
    big_bytes: int
    small_files: int
    listing_entries: int
    repeats: int


FULL = Sizes(big_bytes=1024**3, small_files=2_000, listing_entries=10_000, repeats=5)
QUICK = Sizes(big_bytes=16 * 1024**2, small_files=40, listing_entries=200, repeats=3)


@dataclass
class Target:
    """One server as the client sees it: the agent's folder, and how to sign in."""

    label: str
    port: int
    folder: str
    secret: str
    figures: dict[str, Any] = field(default_factory=dict)

    def authorization(self) -> str:
        pair = f"{USERNAME}:{self.secret}"
        return "Basic " + base64.b64encode(pair.encode()).decode()


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600)


# --- Data sets ----------------------------------------------------------------------------------


def _write_big_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    chooser = random.Random(2026)
    with path.open("wb") as output:
        remaining = size
        while remaining:
            piece = chooser.randbytes(min(CHUNK, remaining))
            digest.update(piece)
            output.write(piece)
            remaining -= len(piece)
    return digest.hexdigest()


FOLDERS = (
    "Conseil municipal",
    "Urbanisme/Permis de construire",
    "Finances/Budget primitif 2026",
    "Écoles/Périscolaire",
    "Services techniques/Voirie",
    "État civil",
    "Associations/Fête de la Saint-Jean",
    "Communication",
)


def _write_small_tree(root: Path, count: int) -> dict[str, str]:
    """``count`` files of 1 byte to 16 KiB in a few nested folders; ``{path: sha256}``."""
    chooser = random.Random(4)
    expected: dict[str, str] = {}
    for number in range(count):
        relative = f"{FOLDERS[number % len(FOLDERS)]}/Pièce {number:04d}.txt"
        content = chooser.randbytes(chooser.randint(1, 16 * 1024))
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        expected[relative] = hashlib.sha256(content).hexdigest()
    return expected


def _listing_content(number: int) -> bytes:
    return f"Délibération n° {number}\n".encode() * (1 + number % 20)


def _listing_name(number: int) -> str:
    return f"Délibération {number:05d}.txt"


_LOAD_LISTING = """
import json, time
from django.db import transaction
from beffroi.directory.models import Agent
from beffroi.files import access, actions
agent = Agent.objects.get(username=USERNAME)
space = actions.do_open_personal_space(agent)
root = access.access_root(agent, space)
started = time.perf_counter()
for first in range(0, COUNT, 500):
    with transaction.atomic():
        for number in range(first, min(first + 500, COUNT)):
            name = f"Délibération {number:05d}.txt"
            content = f"Délibération n° {number}\\n".encode() * (1 + number % 20)
            actions.do_upload(agent, root, name, [content])
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def _load_listing_into_beffroi(env: dict[str, str], count: int) -> float:
    code = f"USERNAME = {USERNAME!r}\nCOUNT = {count}\n" + _LOAD_LISTING
    output = beffroi("shell", "--no-imports", "-c", code, env=env)
    return float(json.loads(output.strip().splitlines()[-1])["seconds"])


def _tree(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


# --- Apache -------------------------------------------------------------------------------------


def _apache_config(home: Path, port: int) -> Path:
    modules = "\n".join(
        f"LoadModule {name}_module {MODULES_DIR / f'mod_{name}.so'}" for name in APACHE_MODULES
    )
    config = home / "httpd.conf"
    config.write_text(
        f"""
ServerRoot "{home}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{home}/httpd.pid"
DefaultRuntimeDir "{home}"
ErrorLog "{home}/error.log"
LogLevel warn
{modules}
TypesConfig /etc/mime.types
KeepAlive On
MaxKeepAliveRequests 0
MaxConnectionsPerChild 0
LimitRequestBody 0
DAVLockDB "{home}/DAVLock"
DocumentRoot "{home}/data"
<Directory "{home}/data">
    DAV On
    Options Indexes
    IndexOptions FancyIndexing HTMLTable NameWidth=* Charset=UTF-8
    AllowOverride None
    AuthType Basic
    AuthName "Mesure"
    AuthBasicProvider file
    AuthUserFile "{home}/htpasswd"
    Require valid-user
</Directory>
""",
        encoding="utf-8",
    )
    return config


def _prepare_apache(home: Path, sizes: Sizes, secret: str) -> None:
    listing = home / "data"
    listing.mkdir()
    for number in range(sizes.listing_entries):
        (listing / _listing_name(number)).write_bytes(_listing_content(number))
    # SHA-1 in htpasswd: a fast hash, like the digest Beffroi keeps of an app password; bcrypt
    # would put a deliberate ~50 ms on every Apache request.
    subprocess.run(
        ["htpasswd", "-c", "-b", "-s", str(home / "htpasswd"), USERNAME, secret],
        check=True,
        capture_output=True,
    )


def _as_unprivileged(home: Path) -> dict[str, Any]:
    """Popen arguments that drop root (Apache refuses to serve as root) to www-data."""
    if os.geteuid() != 0:
        return {}
    for path in [home, *home.rglob("*")]:
        shutil.chown(path, "www-data", "www-data")
    return {"user": "www-data", "group": "www-data", "extra_groups": []}


# --- Measures -----------------------------------------------------------------------------------


def _put_file(target: Target, path: str, source: Path) -> tuple[int, float]:
    connection = _connection(target.port)
    started = time.perf_counter()
    connection.putrequest("PUT", path)
    connection.putheader("Authorization", target.authorization())
    connection.putheader("Content-Type", "application/octet-stream")
    connection.putheader("Content-Length", str(source.stat().st_size))
    connection.endheaders()
    with source.open("rb") as stream:
        while piece := stream.read(CHUNK):
            connection.send(piece)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed


def _get_file(target: Target, path: str) -> tuple[int, float, str, int]:
    connection = _connection(target.port)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": target.authorization()})
    response = connection.getresponse()
    digest = hashlib.sha256()
    received = 0
    while piece := response.read(CHUNK):
        digest.update(piece)
        received += len(piece)
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed, digest.hexdigest(), received


def _measure_big_file(target: Target, source: Path, expected: str, problems: list[str]) -> None:
    path = target.folder + "gros-fichier.bin"
    megabytes = source.stat().st_size / 1024**2
    status, up_seconds = _put_file(target, path, source)
    if status not in (200, 201, 204):
        problems.append(f"{target.label} : PUT du gros fichier → {status}")
    status, down_seconds, digest, received = _get_file(target, path)
    if status != 200 or digest != expected:
        problems.append(
            f"{target.label} : GET du gros fichier → {status}, {received} octets, "
            f"{'contenu identique' if digest == expected else 'contenu différent'}"
        )
    target.figures["big_put"] = {"seconds": round(up_seconds, 2), "mib_s": megabytes / up_seconds}
    target.figures["big_get"] = {
        "seconds": round(down_seconds, 2),
        "mib_s": megabytes / down_seconds,
    }


def _rclone_env(target: Target, home: Path) -> dict[str, str]:
    obscured = subprocess.run(
        ["rclone", "obscure", "-"], input=target.secret, capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "RCLONE_CONFIG": str(home / "rclone.conf"),
        "RCLONE_CONFIG_SERVEUR_TYPE": "webdav",
        "RCLONE_CONFIG_SERVEUR_URL": f"http://127.0.0.1:{target.port}{target.folder}",
        "RCLONE_CONFIG_SERVEUR_VENDOR": "other",
        "RCLONE_CONFIG_SERVEUR_USER": USERNAME,
        "RCLONE_CONFIG_SERVEUR_PASS": obscured,
    }


def _rclone(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    run = subprocess.run(
        # A request left unanswered fails after --timeout instead of stalling the bench.
        ["rclone", *args, "--transfers", "4", "--checkers", "4", "--retries", "1",
         "--timeout", "120s", "--contimeout", "20s"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    return run, time.perf_counter() - started


def _measure_small_files(
    target: Target, source: Path, expected: dict[str, str], scratch: Path, problems: list[str]
) -> None:
    home = scratch / f"rclone-{target.label}"
    back = home / "retour"
    home.mkdir()
    env = _rclone_env(target, home)
    up, up_seconds = _rclone(env, "copy", str(source), "serveur:petits")
    down, down_seconds = _rclone(env, "copy", "serveur:petits", str(back))
    errors = [line for line in (up.stderr + down.stderr).splitlines() if "ERROR" in line]
    if up.returncode or down.returncode or errors:
        problems.append(f"{target.label} : rclone en erreur : {errors[:3]}")
    if _tree(back) != expected:
        problems.append(f"{target.label} : les petits fichiers revenus diffèrent")
    count = len(expected)
    target.figures["rclone_up"] = {"seconds": round(up_seconds, 2), "files_s": count / up_seconds}
    target.figures["rclone_down"] = {
        "seconds": round(down_seconds, 2),
        "files_s": count / down_seconds,
    }


def _dav_request(
    target: Target, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> Callable[[], tuple[int, bytes]]:
    client = Client(target.port, USERNAME, target.secret)
    return lambda: client.request(method, path, body, headers)


def _repeat(
    request: Callable[[], tuple[int, bytes]], repeats: int
) -> tuple[list[float], int, bytes]:
    """The request ``repeats`` times after one warm-up: durations, last status and body."""
    _first, timings, status, body = timed(request, repeats)
    return timings, status, body


def _measure_propfind(
    target: Target, sizes: Sizes, problems: list[str], key: str, body: bytes
) -> None:
    request = _dav_request(
        target,
        "PROPFIND",
        target.folder,
        body,
        {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )
    timings, status, answer = _repeat(request, sizes.repeats)
    entries = len(RESPONSE_TAG.findall(answer))
    if status != 207 or entries != sizes.listing_entries + 1:
        problems.append(f"{target.label} : {key} → {status}, {entries} réponses")
    target.figures[key] = {**summary(timings), "bytes": len(answer), "responses": entries}


def _sign_in_to_web(port: int, secret_password: str) -> Any:
    """A keep-alive connection signed in through the web form, or None without a drive page."""
    connection = Connection(port)
    action, hidden, username_field, password_field = sign_in_form(connection)
    body = urllib.parse.urlencode(
        {**hidden, username_field: USERNAME, password_field: secret_password}
    )
    connection.request(
        "POST",
        action,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}{action}",
        },
    )
    return connection


def _drive_folder_page(connection: Any) -> str:
    """The page of the personal drive's root folder, found from /drive/ as a person would."""
    status, _headers, page = connection.request("GET", "/drive/")
    if status != 200:
        raise RuntimeError(f"GET /drive/ → {status}")
    found = re.search(r'href="(/drive/espaces/[^"/]+/)"', page)
    if found is None:
        raise RuntimeError("/drive/ ne renvoie vers aucun espace")
    status, headers, _page = connection.request("GET", found.group(1))
    if status not in (301, 302, 303) or "location" not in headers:
        raise RuntimeError(f"GET {found.group(1)} → {status}")
    return urllib.parse.urlsplit(headers["location"]).path


def _measure_drive_page(target: Target, sizes: Sizes, notes: list[str]) -> bool:
    """The drive page listing the folder's entries, when the web interface has one."""
    try:
        connection = _sign_in_to_web(target.port, PASSWORD)
        path = _drive_folder_page(connection)
        status, _headers, page = connection.request("GET", path)
    except (RuntimeError, StopIteration, KeyError, OSError) as error:
        notes.append(f"page web du dossier non mesurée : {error!r}")
        return False
    if status != 200:
        notes.append(f"page web du dossier non mesurée : GET {path} → {status}")
        return False
    shown = len(set(re.findall(r"Délibération \d{5}\.txt", page)))
    if shown != sizes.listing_entries:
        notes.append(
            f"page web du dossier : montre {shown} entrées sur {sizes.listing_entries} "
            "(pagination ?), mesurée telle quelle"
        )

    def send() -> tuple[int, bytes]:
        try:
            status, _headers, page = connection.request("GET", path)
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed the idle keep-alive connection: open a new one, once.
            connection.http.close()
            status, _headers, page = connection.request("GET", path)
        return status, page.encode()

    timings, status, answer = _repeat(send, sizes.repeats)
    target.figures["listing"] = {
        **summary(timings),
        "bytes": len(answer),
        "entries_shown": shown,
        "how": "page web du dossier (/drive/dossiers/<id>/)",
    }
    return True


def _measure_listing(target: Target, sizes: Sizes, problems: list[str], notes: list[str]) -> None:
    if target.label == "beffroi" and _measure_drive_page(target, sizes, notes):
        return
    if target.label == "apache":
        request = _dav_request(target, "GET", target.folder)
        timings, status, answer = _repeat(request, sizes.repeats)
        if status != 200 or _listing_name(sizes.listing_entries - 1).encode() not in answer:
            problems.append(f"apache : index HTML → {status}")
        target.figures["listing"] = {
            **summary(timings),
            "bytes": len(answer),
            "how": "page HTML de mod_autoindex",
        }
        return
    _measure_propfind(target, sizes, problems, "listing", LISTING_PROPFIND)
    target.figures["listing"]["how"] = "PROPFIND Depth 1, propriétés d'une liste (pas de page web)"


def _measure(
    target: Target,
    pid: int,
    data: dict[str, Any],
    sizes: Sizes,
    problems: list[str],
    notes: list[str],
) -> None:
    # The folder holds exactly the listing's entries until the big file and rclone's folder
    # join them: list it first.
    print(f"… {target.label} : PROPFIND et liste de {sizes.listing_entries} entrées", flush=True)
    _measure_propfind(target, sizes, problems, "propfind_allprop", ALLPROP)
    _measure_listing(target, sizes, problems, notes)
    target.figures["peak_after_listing"] = peak_memory_mib(pid)
    show(target.label, target.figures, "propfind_allprop", "listing", "peak_after_listing")
    print(f"… {target.label} : gros fichier", flush=True)
    _measure_big_file(target, data["big"], data["big_sha256"], problems)
    target.figures["peak_after_big_file"] = peak_memory_mib(pid)
    show(target.label, target.figures, "big_put", "big_get", "peak_after_big_file")
    print(f"… {target.label} : petits fichiers avec rclone", flush=True)
    _measure_small_files(target, data["small"], data["small_expected"], data["scratch"], problems)
    target.figures["peak_memory_mib"] = peak_memory_mib(pid)
    show(target.label, target.figures, "rclone_up", "rclone_down", "peak_memory_mib")


# --- Report -------------------------------------------------------------------------------------


def _rows(
    beffroi_figures: dict[str, Any], apache_figures: dict[str, Any], sizes: Sizes
) -> list[dict[str, Any]]:
    size = f"{sizes.big_bytes / 1024**2:.0f} Mio"
    rows = []
    for key, label in (("big_put", f"PUT {size}"), ("big_get", f"GET {size}")):
        ours, theirs = beffroi_figures[key], apache_figures[key]
        rows.append(
            {
                "measure": label,
                "beffroi": f"{ours['mib_s']:.0f} Mio/s ({ours['seconds']:.1f} s)",
                "apache": f"{theirs['mib_s']:.0f} Mio/s ({theirs['seconds']:.1f} s)",
                "ratio": ratio(ours["seconds"], theirs["seconds"]),
            }
        )
    for key, label in (("rclone_up", "rclone copy ↑"), ("rclone_down", "rclone copy ↓")):
        ours, theirs = beffroi_figures[key], apache_figures[key]
        rows.append(
            {
                "measure": f"{label} {sizes.small_files} fichiers",
                "beffroi": f"{ours['files_s']:.0f} fichiers/s ({ours['seconds']:.1f} s)",
                "apache": f"{theirs['files_s']:.0f} fichiers/s ({theirs['seconds']:.1f} s)",
                "ratio": ratio(ours["seconds"], theirs["seconds"]),
            }
        )
    for key, label in (
        ("propfind_allprop", f"PROPFIND Depth 1 allprop, {sizes.listing_entries} entrées"),
        ("listing", f"liste de {sizes.listing_entries} entrées"),
    ):
        ours, theirs = beffroi_figures[key], apache_figures[key]
        rows.append(
            {
                "measure": label,
                "beffroi": f"{ours['median_ms']:.0f} ms méd. (p90 {ours['p90_ms']:.0f})",
                "apache": f"{theirs['median_ms']:.0f} ms méd. (p90 {theirs['p90_ms']:.0f})",
                "ratio": ratio(ours["median_ms"], theirs["median_ms"]),
            }
        )
    ours, theirs = beffroi_figures["peak_memory_mib"], apache_figures["peak_memory_mib"]
    rows.append(
        {
            "measure": "mémoire résidente maximale (VmHWM)",
            "beffroi": f"{ours['process']:.0f} Mio",
            "apache": f"{theirs['with_children']:.0f} Mio (tous processus)",
            "ratio": ratio(ours["process"], theirs["with_children"]),
        }
    )
    return rows


def _print_table(rows: list[dict[str, Any]], figures: dict[str, Any]) -> None:
    header = f"{'mesure':<46} {'beffroi':>30} {'apache':>34} {'rapport':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        shown = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"{row['measure']:<46} {row['beffroi']:>30} {row['apache']:>34} {shown:>8}")
    print("(rapport = durée Beffroi / durée Apache ; au-dessus de 1, Beffroi est plus lent)")
    print(f"liste côté Beffroi : {figures['beffroi']['listing']['how']}")
    print(f"liste côté Apache : {figures['apache']['listing']['how']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="petites tailles (test de la suite)")
    parser.add_argument(
        "--database-url", help="base PostgreSQL à utiliser (vidée d'abord) au lieu de SQLite"
    )
    parser.add_argument("--redis-url", help="Redis à utiliser (verrous, cache)")
    parser.add_argument(
        "--repeats", type=int, help=f"requêtes de liste après la première ({FULL.repeats})"
    )
    parser.add_argument("--big-mib", type=int, help="taille du gros fichier en Mio (1024)")
    parser.add_argument("--small-files", type=int, help="petits fichiers pour rclone (2000)")
    parser.add_argument("--entries", type=int, help="entrées du dossier listé (10000)")
    options = parser.parse_args()
    sizes = QUICK if options.quick else FULL
    changes = {
        "repeats": options.repeats,
        "big_bytes": options.big_mib and options.big_mib * 1024**2,
        "small_files": options.small_files,
        "listing_entries": options.entries,
    }
    sizes = dataclasses.replace(sizes, **{k: v for k, v in changes.items() if v})
    if not APACHE.exists() or shutil.which("rclone") is None:
        raise SystemExit("apache2 ou rclone manque : lancez scripts/install-bench-tools.sh")

    problems: list[str] = []
    notes: list[str] = []
    load_before = os.getloadavg()[0]
    figures: dict[str, Any] = {}
    scratch = Path(tempfile.mkdtemp(prefix="beffroi-bench-files-"))
    apache_home = Path(tempfile.mkdtemp(prefix="beffroi-bench-apache-"))
    try:
        if options.database_url:
            empty_database(options.database_url)
        env = instance_env(
            scratch / "var", database_url=options.database_url, redis_url=options.redis_url
        )
        print("… préparation des données", flush=True)
        beffroi("migrate", "--verbosity", "0", env=env)
        secret = add_agent(env, USERNAME, PASSWORD, scope="files")
        load_seconds = _load_listing_into_beffroi(env, sizes.listing_entries)
        big = scratch / "gros-fichier.bin"
        data = {
            "scratch": scratch,
            "big": big,
            "big_sha256": _write_big_file(big, sizes.big_bytes),
            "small": scratch / "petits",
            "small_expected": _write_small_tree(scratch / "petits", sizes.small_files),
        }
        _prepare_apache(apache_home, sizes, secret)

        port = free_port()
        ours = Target("beffroi", port, f"/dav/files/{USERNAME}/", secret)
        command = [sys.executable, "-m", "beffroi", "serve", "--role", "web", "--port", str(port)]
        with running(command, port=port, log=scratch / "serve.log", env=env) as process:
            _measure(ours, process.pid, data, sizes, problems, notes)
        ours.figures["listing_load"] = {
            "how": "beffroi.files.actions.do_upload dans un processus beffroi shell",
            "seconds": round(load_seconds, 2),
            "files_s": round(sizes.listing_entries / load_seconds, 1),
        }

        port = free_port()
        theirs = Target("apache", port, "/", secret)
        config = _apache_config(apache_home, port)
        command = [str(APACHE), "-f", str(config), "-DFOREGROUND"]
        with running(
            command, port=port, log=apache_home / "console.log", env={}, cwd=apache_home,
            **_as_unprivileged(apache_home),
        ) as process:  # fmt: skip
            _measure(theirs, process.pid, data, sizes, problems, notes)
        figures = {"beffroi": ours.figures, "apache": theirs.figures}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(apache_home, ignore_errors=True)

    rows = _rows(figures["beffroi"], figures["apache"], sizes)
    _print_table(rows, figures)
    print(
        f"chargement de {sizes.listing_entries} fichiers dans Beffroi : "
        f"{figures['beffroi']['listing_load']['files_s']} fichiers/s (actions, sans HTTP)"
    )
    for note in notes:
        print(f"note : {note}")
    for problem in problems:
        print(f"ERREUR : {problem}")
    path = write_results(
        "files-quick" if options.quick else "files",
        {
            "database": database_label(options.database_url),
            "sizes": sizes.__dict__,
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
