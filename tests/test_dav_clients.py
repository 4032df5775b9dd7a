"""WebDAV clients people use, against a real `beffroi serve` process on /dav/files/<user>/:
rclone copies a 2,000-file tree up and back down, cadaver runs a scripted session."""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import free_port
from tests.test_dav_litmus import _agent_with_app_password, _dav
from tests.test_serve import running_server

pytestmark = pytest.mark.slow

FOLDERS = (
    "Conseil municipal/2025/Séance du 12 février",
    "Conseil municipal/2025/Séance du 3 décembre",
    "Conseil municipal/2026/Délibérations adoptées",
    "Urbanisme/Permis de construire/Dossiers déposés",
    "Urbanisme/Plan local d'urbanisme (révision)",
    "Urbanisme/Déclarations préalables",
    "Finances/Budget primitif 2026",
    "Finances/Compte administratif & annexes",
    "Écoles/Cantine – menus/Année scolaire 2025-2026",
    "Écoles/Périscolaire",
    "Services techniques/Voirie/Travaux d’été",
    "Services techniques/Espaces verts",
    "État civil/Mariages",
    "Élections/Bureaux de vote n°1 à n°4",
    "Associations/Fête de la Saint-Jean",
    "Communication/Bulletin « Le Beffroi »",
)
STEMS = (
    "Procès-verbal",
    "Délibération",
    "Arrêté du maire",
    "Réponse à Mme Lefèvre",
    "Facture électricité",
    "Plan de l'église",
    "Compte rendu réunion",
    "Pièce jointe",
    "Convention crèche",
    "Devis rénovation façade",
    "Courrier préfecture",
    "Œuvres sociales",
    "Règlement intérieur",
    "Fiche de poste agent d’accueil",
)
EXTENSIONS = (".pdf", ".odt", ".ods", ".txt", ".jpg", "")


def _size(chooser: random.Random) -> int:
    """Mostly small files, some empty, a few of about 1 MB."""
    draw = chooser.random()
    if draw < 0.05:
        return 0
    if draw < 0.80:
        return chooser.randint(1, 8_192)
    if draw < 0.98:
        return chooser.randint(8_193, 131_072)
    return chooser.randint(900_000, 1_048_576)


def _on_disk(name: str, chooser: random.Random) -> str:
    """A third of the names in NFD, as a Mac writes them; the rest in NFC."""
    return unicodedata.normalize("NFD" if chooser.random() < 0.33 else "NFC", name)


def _spell_folders(chooser: random.Random) -> list[str]:
    """FOLDERS as written on disk, one form per folder: two spellings of "Écoles" would be
    two folders here but one on the drive."""
    spelled: dict[str, str] = {}
    folders = []
    for folder in FOLDERS:
        parts, prefix = [], ""
        for part in folder.split("/"):
            prefix += "/" + part
            parts.append(spelled.setdefault(prefix, _on_disk(part, chooser)))
        folders.append("/".join(parts))
    return folders


def _generate_tree(root: Path, count: int) -> dict[str, str]:
    """Write ``count`` files under ``root``; return ``{NFC relative path: sha256}``."""
    chooser = random.Random(20260412)
    folders = _spell_folders(chooser)
    expected: dict[str, str] = {}
    for number in range(count):
        folder = folders[number % len(folders)] if number % 10 else ""
        stem = STEMS[number % len(STEMS)]
        name = f"{stem} {number:04d}{EXTENSIONS[number % len(EXTENSIONS)]}"
        path = root / folder / _on_disk(name, chooser)
        path.parent.mkdir(parents=True, exist_ok=True)
        content = chooser.randbytes(_size(chooser))
        path.write_bytes(content)
        relative = unicodedata.normalize("NFC", str(path.relative_to(root)))
        expected[relative] = hashlib.sha256(content).hexdigest()
    return expected


def _tree(root: Path) -> dict[str, str]:
    """``{relative path as stored on disk: sha256}`` of every file under ``root``."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _rclone(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    run = subprocess.run(
        ["rclone", *args, "--transfers", "4", "--checkers", "4", "--retries", "1"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return run, time.monotonic() - started


@pytest.fixture(params=["local", "s3"])
def storage_env(request, process_env) -> dict[str, str]:
    """The server's environment with its blobs on the local disk, or in a new bucket of the
    SeaweedFS S3 gateway."""
    if request.param == "s3":
        gateway = request.getfixturevalue("seaweedfs")
        process_env.update(gateway.environment_for(gateway.new_bucket()))
    return process_env


def test_rclone_copies_a_2000_file_tree_up_and_back_down_byte_identical(storage_env, tmp_path):
    """rclone uploads a nested tree of 2,000 files with French names (NFC and NFD) to an
    agent's drive, downloads it elsewhere, and gets every byte back under NFC names; with the
    blobs on the local disk and on S3."""
    process_env = storage_env
    secret = _agent_with_app_password(process_env)
    port = free_port()
    source = tmp_path / "depart"
    back = tmp_path / "retour"
    expected = _generate_tree(source, 2_000)
    assert len(expected) == 2_000
    assert any(unicodedata.is_normalized("NFD", p) and not p.isascii() for p in _tree(source))

    obscured = subprocess.run(
        ["rclone", "obscure", "-"], input=secret, capture_output=True, text=True, check=True
    ).stdout.strip()
    env = {
        **process_env,
        "HOME": str(tmp_path),
        "RCLONE_CONFIG": str(tmp_path / "rclone.conf"),
        "RCLONE_CONFIG_BEFFROI_TYPE": "webdav",
        "RCLONE_CONFIG_BEFFROI_URL": f"http://127.0.0.1:{port}/dav/files/jeanne.martin/",
        "RCLONE_CONFIG_BEFFROI_VENDOR": "other",
        "RCLONE_CONFIG_BEFFROI_USER": "jeanne.martin",
        "RCLONE_CONFIG_BEFFROI_PASS": obscured,
    }

    with running_server(process_env, port, tmp_path / "serve.log"):
        up, up_seconds = _rclone(env, "copy", str(source), "beffroi:")
        assert up.returncode == 0, up.stderr[-5000:]
        down, down_seconds = _rclone(env, "copy", "beffroi:", str(back))
        assert down.returncode == 0, down.stderr[-5000:]
    # rclone retries quietly: an error it recovered from is still a server fault.
    assert "ERROR" not in up.stderr + down.stderr, up.stderr[-5000:] + down.stderr[-5000:]

    megabytes = sum(p.stat().st_size for p in back.rglob("*") if p.is_file()) / 1_000_000
    print(f"\nrclone: {len(expected)} files, {megabytes:.1f} MB")
    print(f"rclone up: {up_seconds:.1f} s, down: {down_seconds:.1f} s")
    downloaded = _tree(back)
    assert all(unicodedata.is_normalized("NFC", path) for path in downloaded)
    assert set(downloaded) == set(expected)
    assert downloaded == expected


def _cadaver(home: Path, url: str, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["cadaver", url],
        input=script,
        env={"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cadaver_runs_a_scripted_session(process_env, tmp_path):
    """cadaver, signed in through ~/.netrc, makes a folder, puts, lists, gets, moves and
    copies a file, sets and reads a dead property, and deletes; the drive shows the result."""
    secret = _agent_with_app_password(process_env)
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text(f"machine 127.0.0.1\nlogin jeanne.martin\npassword {secret}\n")
    netrc.chmod(0o600)
    minutes = b"Compte rendu du conseil municipal.\n" * 3000
    (home / "compte-rendu.txt").write_bytes(minutes)
    url = f"http://127.0.0.1:{port}/dav/files/jeanne.martin/"
    script = "\n".join(
        [
            "mkcol délibérations",
            "cd délibérations",
            "put compte-rendu.txt compte-rendu.txt",
            "ls",
            "get compte-rendu.txt retour.txt",
            "move compte-rendu.txt seance.txt",
            "copy seance.txt archive.txt",
            "propset archive.txt auteur secretariat-de-mairie",
            "propget archive.txt auteur",
            "delete seance.txt",
            "ls",
            "quit",
            "",
        ]
    )

    with running_server(process_env, port, tmp_path / "serve.log"):
        session = _cadaver(home, url, script)
        folder = url + quote("délibérations")
        listing_status, listing = _dav(folder + "/", secret, "PROPFIND")
        archive_status, archive = _dav(folder + "/archive.txt", secret)
        gone_status, _ = _dav(folder + "/seance.txt", secret)

    output = session.stdout
    print(output)
    assert session.returncode == 0, output + session.stderr
    assert "Creating `délibérations': succeeded." in output
    assert re.search(r"Uploading compte-rendu.txt to `.*compte-rendu.txt':.*succeeded", output)
    assert re.search(r"compte-rendu.txt\s+105000", output)
    assert re.search(r"Downloading `.*compte-rendu.txt' to retour.txt:.*succeeded", output)
    assert re.search(r"Moving `.*compte-rendu.txt' to `.*seance.txt':\s+succeeded", output)
    assert re.search(r"Copying `.*seance.txt' to `.*archive.txt':\s+succeeded", output)
    assert re.search(r"Setting property on `archive.txt':\s+succeeded", output)
    assert "secretariat-de-mairie" in output
    assert re.search(r"Deleting `seance.txt':\s+succeeded", output)
    assert "failed" not in output
    last_listing = output.rsplit("Listing collection", 1)[1]
    assert re.search(r"archive.txt\s+105000", last_listing)
    assert "seance.txt" not in last_listing
    assert (home / "retour.txt").read_bytes() == minutes
    assert listing_status == 207
    assert b"archive.txt" in listing
    assert b"secretariat-de-mairie" in listing  # the dead property, stored by the server
    assert b"seance.txt" not in listing
    assert b"compte-rendu.txt" not in listing
    assert archive_status == 200
    assert archive == minutes
    assert gone_status == 404
