"""What the benchmarks share: a fresh instance, processes started and stopped, figures written.

A package (not a module) so that ``make bench``, which runs every ``bench/*.py``, leaves it out.
"""

# The processes started are our own command and the servers compared with it.
# ruff: noqa: S603

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent.parent
RESULTS = REPOSITORY / "bench" / "results"


def instance_env(
    data_dir: Path, *, database_url: str | None = None, redis_url: str | None = None
) -> dict[str, str]:
    """The environment of a fresh instance: its own data directory, SQLite unless a database
    is given, and the throttle out of the way (a bench signs in many times)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BEFFROI_", "DJANGO_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        BEFFROI_DATA_DIR=str(data_dir),
        BEFFROI_LOG_LEVEL="WARNING",
        BEFFROI_SIGN_IN_FREE_ATTEMPTS=str(10**9),
        PYTHONPATH=str(REPOSITORY),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def empty_database(database_url: str) -> None:
    """Drop everything in the PostgreSQL database the bench was given, to start afresh."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def database_label(database_url: str | None) -> str:
    if not database_url:
        return "sqlite"
    parsed = urllib.parse.urlsplit(database_url)
    return f"postgresql ({parsed.path.lstrip('/')})"


def beffroi(*args: str, env: dict[str, str], stdin: str = "") -> str:
    """Run the ``beffroi`` command; what it printed, or exit with its error."""
    result = subprocess.run(
        [sys.executable, "-m", "beffroi", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=REPOSITORY,
    )
    if result.returncode != 0:
        raise SystemExit(f"beffroi {' '.join(args[:2])} a échoué :\n{result.stderr[-4000:]}")
    return result.stdout


def add_agent(env: dict[str, str], username: str, password: str, *, scope: str) -> str:
    """An agent with a password and an app password for ``scope``; returns that secret."""
    beffroi("user", "add", username, "--password-stdin", env=env, stdin=password + "\n")
    return beffroi(
        "app-password", "add", username, "--label", "mesure", "--scope", scope, env=env
    ).strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(
    command: Sequence[str],
    *,
    port: int,
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    **popen: Any,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until its port accepts connections, and stop it afterwards."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            list(command),
            env=env,
            cwd=cwd or REPOSITORY,
            stdout=output,
            stderr=subprocess.STDOUT,
            **popen,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} n'a pas démarré :\n{log.read_text()[-4000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _status_field(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (0 when the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found


def peak_memory_mib(pid: int) -> dict[str, float]:
    """VmHWM (peak resident memory) of a process, and summed over it and its children (Apache
    answers from child processes)."""
    own = _status_field(pid, "VmHWM")
    tree = own + sum(_status_field(child, "VmHWM") for child in _children(pid))
    return {"process": round(own / 1024, 1), "with_children": round(tree / 1024, 1)}


def summary(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p90, min and mean of durations, in milliseconds."""
    milliseconds = sorted(value * 1000 for value in seconds)
    return {
        "n": len(milliseconds),
        "median_ms": round(statistics.median(milliseconds), 2),
        "p90_ms": round(milliseconds[int(0.9 * (len(milliseconds) - 1))], 2),
        "min_ms": round(milliseconds[0], 2),
        "mean_ms": round(statistics.fmean(milliseconds), 2),
    }


def show(label: str, figures: dict[str, Any], *keys: str) -> None:
    """Print figures as they come: a long run stopped half-way still tells something."""
    for key in keys:
        print(f"  {label} {key} : {figures.get(key)}", flush=True)


def ratio(ours: float, reference: float) -> float | None:
    """How many times the reference's figure ours is (durations: above 1 is slower)."""
    return round(ours / reference, 2) if reference else None


def write_results(name: str, payload: dict[str, Any], *, load_before: float) -> Path:
    """Write ``bench/results/<name>.json`` with the context every result file records."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        **payload,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class Client:
    """One keep-alive HTTP connection to a server on loopback, signed in with HTTP Basic."""

    def __init__(self, port: int, username: str, secret: str) -> None:
        # Long: a cold first request (Radicale building its item cache) can take many minutes.
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        pair = base64.b64encode(f"{username}:{secret}".encode()).decode()
        self.authorization = f"Basic {pair}"

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        sent = {"Authorization": self.authorization, **(headers or {})}
        try:
            self.connection.request(method, path, body=body or None, headers=sent)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed the keep-alive connection while it was idle: reopen it, once.
            self.connection.close()
            self.connection.request(method, path, body=body or None, headers=sent)
            response = self.connection.getresponse()
        return response.status, response.read()


def timed(
    request: Callable[[], tuple[int, bytes]], repeats: int
) -> tuple[float, list[float], int, bytes]:
    """Send a request once (a cold start, timed apart), then ``repeats`` times; the first
    duration, the others, and the last status and body."""
    started = time.perf_counter()
    status, body = request()
    first = time.perf_counter() - started
    timings = []
    for _round in range(repeats):
        started = time.perf_counter()
        status, body = request()
        timings.append(time.perf_counter() - started)
    return first, timings, status, body
