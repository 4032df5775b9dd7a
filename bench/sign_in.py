"""Sign-in timing: does an unknown username answer exactly as slowly as a wrong password?

Done when 4 of the directory issue: "response times for unknown user vs wrong password differ by
less than 10%". An attacker who could tell them apart would learn which accounts exist.

What it does, on a fresh embedded instance (SQLite in a temporary data directory, the real
settings, Argon2 as configured):

1. creates an agent and an app password for the API with the ``beffroi`` command;
2. calls the credential checks directly, in a ``beffroi shell`` process: ``authenticate_password``
   and ``authenticate_app_password`` (no HTTP, the hashing and the audit writes only);
3. starts ``beffroi serve`` on loopback and sends, over one keep-alive connection per path,
   N attempts of each case, interleaved (A B B A…) so that drift affects both alike:
   the web sign-in form, and the API with HTTP Basic and an app password.

Prints a table (median, p90, mean in milliseconds) and the ratio of the slower median to the
faster one for each path, writes bench/results/sign_in.json, and exits 1 when a ratio reaches
1.10. The throttle is set out of the way (BEFFROI_SIGN_IN_FREE_ATTEMPTS): what is measured is the
work of a check, not the back-off.

    .venv/bin/python bench/sign_in.py [--attempts 200]
"""

# The passwords below are made-up test values, and the processes started are our own command.
# ruff: noqa: S105, S603

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import beffroi, free_port, instance_env
from bench.harness.web import Connection, sign_in_form

REPOSITORY = Path(__file__).resolve().parent.parent
RESULTS = REPOSITORY / "bench" / "results" / "sign_in.json"
USERNAME = "agent.mesure"
UNKNOWN = "agent.inexistant"
PASSWORD = "Mesure-du-temps-2026!"
WRONG_PASSWORD = "Pas-le-bon-mot-de-passe-1"
WRONG_SECRET = "abcd-efgh-ijkm-npqr"
LIMIT = 1.10
# allauth limits sign-in pages to 120 a minute per address; stay under it.
WEB_MIN_INTERVAL = 0.55
WARM_UP = 5


def _prepare(env: dict[str, str]) -> str:
    """An agent with a password and an app password for the API; returns that secret."""
    beffroi("migrate", "--verbosity", "0", env=env)
    beffroi("user", "add", USERNAME, "--password-stdin", env=env, stdin=PASSWORD + "\n")
    return beffroi(
        "app-password", "add", USERNAME, "--label", "mesure", "--scope", "api", env=env
    ).strip()


def _interleaved(
    cases: dict[str, Callable[[], Any]], attempts: int, pause: float = 0.0
) -> dict[str, list[float]]:
    """Time each case ``attempts`` times, alternating their order every round."""
    names = list(cases)
    timings: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(WARM_UP + attempts):
        order = names if round_number % 2 == 0 else list(reversed(names))
        for name in order:
            started = time.perf_counter()
            cases[name]()
            elapsed = time.perf_counter() - started
            if round_number >= WARM_UP:
                timings[name].append(elapsed)
            if pause > elapsed:
                time.sleep(pause - elapsed)
    return timings


# --- Direct calls, inside a `beffroi shell` process ---------------------------------------------

_FUNCTIONS_PROBE = """
import json
from bench.sign_in import _interleaved
from beffroi.core.errors import NotAuthenticated
from beffroi.directory.access import authenticate_app_password, authenticate_password

def refused(check, *args, **kwargs):
    try:
        check(*args, **kwargs)
    except NotAuthenticated:
        return
    raise AssertionError("accepted")

password = _interleaved({
    "unknown_user": lambda: refused(authenticate_password, UNKNOWN, WRONG_PASSWORD,
                                    channel="web", address="127.0.0.1"),
    "wrong_password": lambda: refused(authenticate_password, USERNAME, WRONG_PASSWORD,
                                      channel="web", address="127.0.0.1"),
}, ATTEMPTS)
app_password = _interleaved({
    "unknown_user": lambda: refused(authenticate_app_password, UNKNOWN, WRONG_SECRET,
                                    scope="api", address="127.0.0.1"),
    "wrong_password": lambda: refused(authenticate_app_password, USERNAME, WRONG_SECRET,
                                      scope="api", address="127.0.0.1"),
}, ATTEMPTS)
print(json.dumps({"password": password, "app_password": app_password}))
"""


def _measure_functions(env: dict[str, str], attempts: int) -> dict[str, dict[str, list[float]]]:
    code = (
        f"ATTEMPTS = {attempts}\nUNKNOWN = {UNKNOWN!r}\nUSERNAME = {USERNAME!r}\n"
        f"WRONG_PASSWORD = {WRONG_PASSWORD!r}\nWRONG_SECRET = {WRONG_SECRET!r}\n" + _FUNCTIONS_PROBE
    )
    output = beffroi("shell", "--no-imports", "-c", code, env=env)
    return dict(json.loads(output.strip().splitlines()[-1]))


# --- Over HTTP, against `beffroi serve` ---------------------------------------------------------


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[int]:
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "beffroi", "serve", "--role", "web", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=REPOSITORY,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"beffroi serve n'a pas démarré :\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _measure_web(port: int, attempts: int) -> tuple[dict[str, list[float]], str, set[int]]:
    connection = Connection(port)
    action, hidden, username_field, password_field = sign_in_form(connection)
    statuses: set[int] = set()

    def attempt(username: str) -> None:
        body = urllib.parse.urlencode(
            {**hidden, username_field: username, password_field: WRONG_PASSWORD}
        )
        status, _headers, _page = connection.request(
            "POST",
            action,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}{action}",
            },
        )
        statuses.add(status)

    timings = _interleaved(
        {"unknown_user": lambda: attempt(UNKNOWN), "wrong_password": lambda: attempt(USERNAME)},
        attempts,
        pause=WEB_MIN_INTERVAL,
    )
    return timings, action, statuses


def _measure_basic(port: int, attempts: int) -> tuple[dict[str, list[float]], set[int]]:
    connection = Connection(port)
    statuses: set[int] = set()

    def attempt(username: str) -> None:
        pair = base64.b64encode(f"{username}:{WRONG_SECRET}".encode()).decode()
        status, _headers, _body = connection.request(
            "GET", "/api/v1/me", headers={"Authorization": f"Basic {pair}"}
        )
        statuses.add(status)

    timings = _interleaved(
        {"unknown_user": lambda: attempt(UNKNOWN), "wrong_password": lambda: attempt(USERNAME)},
        attempts,
    )
    return timings, statuses


# --- Report -------------------------------------------------------------------------------------


def _summary(seconds: list[float]) -> dict[str, float]:
    milliseconds = sorted(value * 1000 for value in seconds)
    return {
        "n": len(milliseconds),
        "median_ms": round(statistics.median(milliseconds), 3),
        "p90_ms": round(milliseconds[int(0.9 * (len(milliseconds) - 1))], 3),
        "mean_ms": round(statistics.fmean(milliseconds), 3),
    }


def _compare(timings: dict[str, list[float]], **extra: Any) -> dict[str, Any]:
    unknown = _summary(timings["unknown_user"])
    wrong = _summary(timings["wrong_password"])
    slower = max(unknown["median_ms"], wrong["median_ms"])
    faster = min(unknown["median_ms"], wrong["median_ms"])
    ratio = slower / faster if faster else float("inf")
    means = (unknown["mean_ms"], wrong["mean_ms"])
    return {
        "unknown_user": unknown,
        "wrong_password": wrong,
        "ratio_median": round(ratio, 4),
        "ratio_mean": round(max(means) / min(means), 4) if min(means) else None,
        "within_limit": ratio < LIMIT,
        **extra,
    }


def _print_table(paths: dict[str, dict[str, Any]]) -> None:
    header = f"{'chemin':<42} {'cas':<16} {'médiane':>9} {'p90':>9} {'moyenne':>9} {'n':>5}"
    print(header)
    print("-" * len(header))
    for name, result in paths.items():
        for case in ("unknown_user", "wrong_password"):
            row = result[case]
            print(
                f"{name:<42} {case:<16} {row['median_ms']:>9.2f} {row['p90_ms']:>9.2f} "
                f"{row['mean_ms']:>9.2f} {row['n']:>5}"
            )
        verdict = "ok" if result["within_limit"] else "ÉCART ≥ 10 %"
        print(
            f"{'':<42} {'rapport':<16} {result['ratio_median']:>9.3f} "
            f"(moyennes : {result['ratio_mean']}) {verdict}"
        )
    print("(temps en millisecondes ; rapport = médiane la plus lente / la plus rapide)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=200, help="tentatives par cas (200)")
    options = parser.parse_args()
    attempts = options.attempts

    paths: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="beffroi-bench-") as scratch:
        data_dir = Path(scratch) / "var"
        env = instance_env(data_dir)
        secret = _prepare(env)
        assert secret, "no app password printed"

        functions = _measure_functions(env, attempts)
        paths["fonction authenticate_password"] = _compare(functions["password"])
        paths["fonction authenticate_app_password"] = _compare(functions["app_password"])

        with _server(env, Path(scratch) / "serve.log") as port:
            try:
                web, action, web_statuses = _measure_web(port, attempts)
            except (RuntimeError, StopIteration, KeyError, OSError) as error:
                notes.append(f"formulaire web non mesuré : {error!r}")
            else:
                paths[f"web POST {action}"] = _compare(web, statuses=sorted(web_statuses))
                if web_statuses - {200, 400, 401}:
                    notes.append(f"formulaire web : statuts inattendus {sorted(web_statuses)}")
            basic, basic_statuses = _measure_basic(port, attempts)
            paths["API GET /api/v1/me (HTTP Basic)"] = _compare(
                basic, statuses=sorted(basic_statuses)
            )
            if basic_statuses != {401}:
                notes.append(f"HTTP Basic : statuts inattendus {sorted(basic_statuses)}")

    _print_table(paths)
    for note in notes:
        print(f"note : {note}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "sign_in",
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "attempts_per_case": attempts,
                "limit_ratio": LIMIT,
                "python": sys.version.split()[0],
                "cpus": os.cpu_count(),
                # Other work on the machine widens the spread (p90, mean) more than the medians.
                "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
                "paths": paths,
                "notes": notes,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"résultats : {RESULTS.relative_to(REPOSITORY)}")
    within = all(result["within_limit"] for result in paths.values())
    return 0 if within and not notes else 1


if __name__ == "__main__":
    sys.exit(main())
