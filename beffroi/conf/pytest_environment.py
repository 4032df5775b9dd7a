"""Loaded by pytest before Django's settings (``-p beffroi.conf.pytest_environment``).

The suite never writes into ./var: it gets a fresh temporary data directory, unless one is given.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("BEFFROI_DATA_DIR", tempfile.mkdtemp(prefix="beffroi-test-"))
