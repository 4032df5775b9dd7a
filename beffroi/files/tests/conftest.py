"""Each test of the drive keeps its blobs and its master key in its own temporary directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_blob_store(settings, tmp_path):
    settings.FILES_BLOB_DIR = tmp_path / "drive-blobs"
    settings.FILES_MASTER_KEY_FILE = tmp_path / "master.key"
