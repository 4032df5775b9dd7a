"""Fixtures for tests that run ``beffroi`` as a real process, the way an administrator does."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def beffroi(
    *args: str, env: dict[str, str], stdin: str = "", timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run the ``beffroi`` command and capture what it prints. The timeout only stops a hung
    command from holding the suite (migrating a fresh database takes seconds, or minutes on a
    loaded machine)."""
    return subprocess.run(
        [sys.executable, "-m", "beffroi", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BEFFROI_", "DJANGO_"))
    }
    env["BEFFROI_DATA_DIR"] = str(data_dir)
    env["BEFFROI_LOG_LEVEL"] = "WARNING"
    return env


@contextmanager
def _postgres_database(prefix: str, *, template: str = "") -> Iterator[str]:
    """A new PostgreSQL database next to the suite's (DATABASE_URL), as a copy of ``template``
    if given; its URL while the block runs, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _migrated_database(tmp_path_factory) -> Iterator[str]:
    """A database migrated once for the whole session, which every fresh instance copies:
    migrating from nothing costs seconds per instance (minutes on a loaded machine), and what
    is tested is the instance, not Django's migrations (``beffroi migrate`` still runs where a
    test runs it, and finds nothing to do).

    On SQLite: the path of a migrated database file. With DATABASE_URL: the name of a migrated
    PostgreSQL database used as a template, dropped at the end of the session.
    """
    env = _base_env(tmp_path_factory.mktemp("template") / "var")
    if not os.environ.get("DATABASE_URL"):
        env.pop("REDIS_URL", None)
        migrated = beffroi("migrate", "--no-input", env=env)
        assert migrated.returncode == 0, migrated.stderr
        yield env["BEFFROI_DATA_DIR"] + "/beffroi.sqlite3"
        return
    with _postgres_database("beffroi_template") as url:
        migrated = beffroi("migrate", "--no-input", env={**env, "DATABASE_URL": url})
        assert migrated.returncode == 0, migrated.stderr
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def process_env(tmp_path, _migrated_database) -> Iterator[dict[str, str]]:
    """An environment for a fresh instance on the same engines as the suite, its database
    already migrated.

    On SQLite: a new data directory. With DATABASE_URL (CI's second run): a new PostgreSQL
    database, dropped afterwards, so that the suite's own test database is never touched.
    """
    env = _base_env(tmp_path / "var")
    if not os.environ.get("DATABASE_URL"):
        env.pop("REDIS_URL", None)
        (tmp_path / "var").mkdir(mode=0o700)
        shutil.copyfile(_migrated_database, tmp_path / "var" / "beffroi.sqlite3")
        yield env
        return
    with _postgres_database("beffroi_process", template=_migrated_database) as url:
        env["DATABASE_URL"] = url
        yield env
