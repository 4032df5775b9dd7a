"""The master key that wraps every blob's data key."""

from __future__ import annotations

import stat

import pytest

from beffroi.conf.checks import files_master_key
from beffroi.files.blobs import BlobError, master_key


def test_development_creates_the_master_key_once_readable_by_its_owner_only(settings):
    """In development the key is generated on first use, mode 0600, and reused."""
    first = master_key()

    path = settings.FILES_MASTER_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32
    assert master_key() == first


def test_production_without_a_master_key_fails_the_deployment_check(settings, tmp_path):
    """In production a missing key is a deployment error, never generated on one node."""
    settings.PRODUCTION = True
    settings.FILES_MASTER_KEY_FILE = None
    assert [error.id for error in files_master_key(None)] == ["beffroi.files.E001"]

    settings.FILES_MASTER_KEY_FILE = tmp_path / "absent.key"
    assert [error.id for error in files_master_key(None)] == ["beffroi.files.E001"]
    with pytest.raises(BlobError):
        master_key()
    assert not (tmp_path / "absent.key").exists()


def test_production_with_a_master_key_passes_the_deployment_check(settings, tmp_path):
    """A readable key file given by the administrator satisfies the check and is used."""
    path = tmp_path / "master.key"
    path.write_text("ab" * 32 + "\n")
    settings.PRODUCTION = True
    settings.FILES_MASTER_KEY_FILE = path

    assert files_master_key(None) == []
    assert master_key() == bytes.fromhex("ab" * 32)
