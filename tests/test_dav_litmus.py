"""WebDAV against a real `beffroi serve` process: litmus, the WebDAV compliance suite, on
/dav/files/<user>/, and an upload cut by SIGKILL."""

from __future__ import annotations

import base64
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import beffroi, free_port
from tests.test_serve import running_server

pytestmark = pytest.mark.slow

SUITES = ("basic", "copymove", "props", "locks", "http")
SUMMARY = re.compile(r"<- summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed")


def _agent_with_app_password(env: dict[str, str]) -> str:
    """Migrate, add jeanne.martin, and return a new app password of hers for files."""
    assert beffroi("migrate", env=env).returncode == 0
    added = beffroi(
        "user", "add", "jeanne.martin", "--password-stdin",
        env=env, stdin="Correct-Cheval-Batterie-42\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    issued = beffroi(
        "app-password", "add", "jeanne.martin", "--label", "litmus", "--scope", "files",
        env=env,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


def test_litmus_passes_every_test_of_basic_copymove_props_locks_and_http(process_env, tmp_path):
    """An agent's personal drive, opened with an app password, passes litmus in full."""
    secret = _agent_with_app_password(process_env)
    port = free_port()

    with running_server(process_env, port, tmp_path / "serve.log"):
        run = subprocess.run(
            [
                "litmus",
                f"http://127.0.0.1:{port}/dav/files/jeanne.martin/",
                "jeanne.martin",
                secret,
            ],
            env={**process_env, "TESTS": " ".join(SUITES)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    summaries = {
        suite: (int(run_count), int(passed), int(failed))
        for suite, run_count, passed, failed in SUMMARY.findall(run.stdout)
    }
    assert set(summaries) == set(SUITES), run.stdout + run.stderr
    for suite, (run_count, passed, failed) in summaries.items():
        assert failed == 0, f"{suite}:\n{run.stdout}"
        assert passed == run_count, f"{suite}:\n{run.stdout}"
    assert sum(count for count, _, _ in summaries.values()) == 104, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


def _dav(
    url: str, secret: str, method: str = "GET", body: bytes | None = None
) -> tuple[int, bytes]:
    token = base64.b64encode(f"jeanne.martin:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    if method == "PROPFIND":
        headers["Depth"] = "1"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read()


def _wait_for_partial_blob(temporary: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None
        if temporary.is_dir() and any(p.stat().st_size > 1_000_000 for p in temporary.iterdir()):
            return
        time.sleep(0.05)
    raise AssertionError("the upload never reached the blob store")


def test_a_killed_upload_leaves_the_previous_version_and_no_partial_file(process_env, tmp_path):
    """SIGKILL in the middle of a PUT: after a restart the file still has its previous
    content, and nothing half-written is listed; ``beffroi files gc`` collects the orphan
    once the grace period is over, and the previous version still reads."""
    secret = _agent_with_app_password(process_env)
    port = free_port()
    log = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/dav/files/jeanne.martin/"
    previous = b"Budget primitif 2026, version votee.\n" * 1000
    token = base64.b64encode(f"jeanne.martin:{secret}".encode()).decode()

    with running_server(process_env, port, log) as server:
        assert _dav(url + "budget.ods", secret, "PUT", previous)[0] == 201
        with socket.create_connection(("127.0.0.1", port)) as upload:
            upload.sendall(
                f"PUT /dav/files/jeanne.martin/budget.ods HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nAuthorization: Basic {token}\r\n"
                f"Content-Length: {50_000_000}\r\n\r\n".encode()
            )
            upload.sendall(b"x" * 4_000_000)
            _wait_for_partial_blob(Path(process_env["BEFFROI_DATA_DIR"]) / "blobs" / "tmp", server)
            server.kill()
            server.wait()

    temporary = Path(process_env["BEFFROI_DATA_DIR"]) / "blobs" / "tmp"
    assert list(temporary.iterdir()), "the killed upload left its temporary file"
    kept = beffroi("files", "gc", env=process_env)
    collected = beffroi("files", "gc", "--grace-minutes", "0", env=process_env)

    with running_server(process_env, port, log):
        status, content = _dav(url + "budget.ods", secret)
        listing_status, listing = _dav(url, secret, "PROPFIND")

    assert status == 200
    assert content == previous
    assert listing_status == 207
    assert listing.count(b"<D:response>") == 2  # the drive and budget.ods, nothing else
    assert b"budget.ods" in listing
    # The orphan is left during the grace period, then collected; the previous version stays.
    assert kept.returncode == 0, kept.stderr
    assert "0 reste(s) d'envoi interrompu(s)" in kept.stdout
    assert collected.returncode == 0, collected.stderr
    assert "1 reste(s) d'envoi interrompu(s)" in collected.stdout
    assert "0 contenu(s) supprimé(s)" in collected.stdout
    assert list(temporary.iterdir()) == []
