"""A 1 GiB file over WebDAV against a real `beffroi serve`: PUT and GET stream it, so the
server's resident memory grows by less than 64 MiB, and the bytes come back identical."""

from __future__ import annotations

import base64
import hashlib
import http.client
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.test_dav_litmus import _agent_with_app_password, _dav
from tests.test_serve import running_server

pytestmark = pytest.mark.slow

GIB = 1024**3
BLOCK = 1024 * 1024
LIMIT = 64 * 1024 * 1024


def _blocks(digest: hashlib._Hash) -> Iterator[bytes]:
    """1 GiB, one MiB at a time, each block different, hashed as it is sent."""
    seed = hashlib.sha256(b"plan cadastral").digest() * (BLOCK // 32)
    for number in range(GIB // BLOCK):
        block = number.to_bytes(8, "big") + seed[8:]
        digest.update(block)
        yield block


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024
    return values


def _reset_peak(pid: int) -> None:
    """Make VmHWM start again from the current resident size (Linux >= 4.0)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def test_a_1_gib_put_and_get_keep_the_server_memory_flat(process_env, tmp_path):
    """PUT then GET of 1 GiB: the peak resident memory of the server stays under 64 MiB above
    what it was before, and the downloaded bytes hash the same as the uploaded ones."""
    secret = _agent_with_app_password(process_env)
    port = free_port()
    url = f"http://127.0.0.1:{port}/dav/files/jeanne.martin/"
    path = "/dav/files/jeanne.martin/plan-cadastral.tif"
    authorization = "Basic " + base64.b64encode(f"jeanne.martin:{secret}".encode()).decode()

    with running_server(process_env, port, tmp_path / "serve.log") as server:
        # Warm up: every module a PUT and a GET import is loaded before measuring.
        assert _dav(url + "echauffement.txt", secret, "PUT", b"x" * 300_000)[0] == 201
        assert _dav(url + "echauffement.txt", secret)[0] == 200
        _reset_peak(server.pid)
        before = _memory(server.pid)["VmRSS"]

        sent = hashlib.sha256()
        started = time.monotonic()
        upload = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        upload.request(
            "PUT",
            path,
            body=_blocks(sent),
            headers={"Authorization": authorization, "Content-Length": str(GIB)},
        )
        put_status = upload.getresponse().status
        upload.close()
        after_put = _memory(server.pid)["VmHWM"]
        put_seconds = time.monotonic() - started
        started = time.monotonic()

        received = hashlib.sha256()
        download = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        download.request("GET", path, headers={"Authorization": authorization})
        answer = download.getresponse()
        get_status, length = answer.status, 0
        while block := answer.read(BLOCK):
            received.update(block)
            length += len(block)
        download.close()
        peak = _memory(server.pid)["VmHWM"]
        get_seconds = time.monotonic() - started

    print(f"\nserver RSS before {before / 2**20:.0f} MiB, peak after PUT "
          f"{after_put / 2**20:.0f} MiB, after GET {peak / 2**20:.0f} MiB; "
          f"PUT {put_seconds:.1f} s, GET {get_seconds:.1f} s")  # fmt: skip
    assert put_status == 201
    assert get_status == 200
    assert length == GIB
    assert received.hexdigest() == sent.hexdigest()
    assert peak - before < LIMIT, f"grew by {(peak - before) / 2**20:.0f} MiB"
