"""The benchmarks still run: each one, with --quick, on a fresh instance of the suite's engine.

Their figures are read by people (bench/README.md), never asserted here: a benchmark only has to
finish, with correct answers from Beffroi and from the server it is compared with.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parent.parent


def _run_quick(script: str, process_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    arguments = [sys.executable, str(REPOSITORY / "bench" / script), "--quick"]
    if "DATABASE_URL" in process_env:
        # process_env made a new, empty PostgreSQL database for this test.
        arguments += ["--database-url", process_env["DATABASE_URL"]]
    return subprocess.run(
        arguments, env=process_env, capture_output=True, text=True, check=False, cwd=REPOSITORY
    )


def _results(name: str) -> dict[str, object]:
    return dict(json.loads((REPOSITORY / "bench" / "results" / name).read_text()))


def test_files_bench_runs_against_beffroi_and_apache(process_env):
    """bench/files.py --quick moves the same files through Beffroi and Apache mod_dav, gets
    every byte back from both, and writes its figures."""
    run = _run_quick("files.py", process_env)

    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "PROPFIND Depth 1" in run.stdout
    results = _results("files-quick.json")
    assert results["problems"] == []
    figures = results["figures"]
    assert isinstance(figures, dict)
    for server in ("beffroi", "apache"):
        assert figures[server]["big_get"]["mib_s"] > 0
        assert figures[server]["peak_memory_mib"]["process"] > 0


def test_calendars_bench_runs_against_beffroi_and_radicale(process_env):
    """bench/calendars.py --quick queries, syncs and writes the same calendar on Beffroi and on
    Radicale, with correct answers from both, and writes its figures."""
    run = _run_quick("calendars.py", process_env)

    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "calendar-query" in run.stdout
    results = _results("calendars-quick.json")
    assert results["problems"] == []
    figures = results["figures"]
    assert isinstance(figures, dict)
    for server in ("beffroi", "radicale"):
        assert figures[server]["sync_after_changes"]["responses"] == 20
        assert figures[server]["put"]["objects_s"] > 0


def test_search_bench_indexes_and_queries(process_env):
    """bench/search.py --quick indexes generated documents and times single words, phrases
    and prefixes (on SQLite, and on PostgreSQL when the suite runs on it), and writes its
    figures."""
    run = _run_quick("search.py", process_env)

    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "PG/SQLite" in run.stdout
    results = _results("search-quick.json")
    assert results["problems"] == []
    figures = results["figures"]
    assert isinstance(figures, dict)
    engines = ["sqlite", "postgresql"] if "DATABASE_URL" in process_env else ["sqlite"]
    assert sorted(figures) == sorted(engines)
    for engine in engines:
        assert figures[engine]["indexing"]["documents_s"] > 0
        for kind in ("single_word", "phrase", "prefix"):
            assert figures[engine][kind]["n"] == 20
            assert figures[engine][kind]["answered"] > 0


def test_mail_bench_runs_against_beffroi_and_postfix(process_env):
    """bench/mail.py --quick sends the same messages through Beffroi and a private Postfix,
    finds every one in its mailbox on both sides, and writes its figures."""
    run = _run_quick("mail.py", process_env)

    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "soumission → boîte locale" in run.stdout
    results = _results("mail-quick.json")
    assert results["problems"] == []
    assert results["notes"] == []
    figures = results["figures"]
    assert isinstance(figures, dict)
    for server in ("beffroi", "postfix"):
        assert figures[server]["inbound"]["stored"] == 20
        assert figures[server]["submission"]["n"] == 10
        assert figures[server]["memory"]["pss_mib"] > 0
