"""Loaded by pytest before Django's settings (``-p beffroi.conf.pytest_environment``).

The suite never writes into ./var: it gets a fresh temporary data directory, unless one is given.
Run in parallel (pytest-xdist, as ``make test`` does), each worker gets its own data directory
and its own Redis database (the one given, then the ones below it: 15, 14…), since the suite
clears its cache.
"""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")

if _worker:
    os.environ["BEFFROI_DATA_DIR"] = tempfile.mkdtemp(prefix=f"beffroi-test-{_worker}-")
    if redis_url := os.environ.get("REDIS_URL"):
        parts = urlsplit(redis_url)
        database = int(parts.path.strip("/") or 0) - int(_worker.removeprefix("gw"))
        if database < 0:
            raise SystemExit(f"REDIS_URL : pas de base Redis libre pour le processus {_worker}.")
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
else:
    os.environ.setdefault("BEFFROI_DATA_DIR", tempfile.mkdtemp(prefix="beffroi-test-"))
