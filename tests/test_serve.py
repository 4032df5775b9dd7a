"""`beffroi serve` as a process: it serves, stops cleanly on SIGTERM, and restarts on its data."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import beffroi, free_port

pytestmark = pytest.mark.slow


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@contextmanager
def running_server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "beffroi", "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(process, port, log)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_until_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail(f"serve did not answer /healthz within 90 s:\n{log.read_text()}")


def sign_in(opener: urllib.request.OpenerDirector, base: str, password: str) -> int:
    page = opener.open(f"{base}/connexion/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "admin", "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/connexion/", data=body, headers={"Referer": f"{base}/connexion/"}
    )
    try:
        return int(opener.open(request).status)
    except urllib.error.HTTPError as answer:
        return answer.code


def status_of(opener: urllib.request.OpenerDirector, url: str) -> int:
    try:
        return int(opener.open(url).status)
    except urllib.error.HTTPError as answer:
        return answer.code


def test_sigterm_stops_serve_cleanly_and_a_restart_reuses_the_data(process_env, tmp_path):
    """Sign in, SIGTERM (exit 0 within 10 s), start again: the same session still works."""
    assert beffroi("init", env=process_env).returncode == 0
    password = (tmp_path / "var" / "initial-admin-password").read_text().strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    with running_server(process_env, port, log) as first:
        page = opener.open(f"{base}/connexion/")
        assert "Connexion" in page.read().decode()
        assert sign_in(opener, base, password) == 302
        assert status_of(opener, f"{base}/") == 200
        started = time.monotonic()
        first.send_signal(signal.SIGTERM)
        code = first.wait(timeout=30)
        stopped_in = time.monotonic() - started
    assert code == 0, log.read_text()
    assert stopped_in < 10, f"stopped in {stopped_in:.1f} s"
    assert "Beffroi est arrêté." in log.read_text()

    with running_server(process_env, port, log) as second:
        assert status_of(opener, f"{base}/") == 200  # same database and secret key
        second.send_signal(signal.SIGINT)
        assert second.wait(timeout=30) == 0


def test_a_port_in_use_is_reported(process_env, tmp_path):
    """A second server on a taken port stops with an error instead of hanging."""
    port = free_port()
    log = tmp_path / "serve.log"
    with running_server(process_env, port, log):
        result = beffroi("serve", "--port", str(port), "--no-migrate", env=process_env, timeout=60)
    assert result.returncode != 0
    assert "address already in use" in (result.stdout + result.stderr).lower()
