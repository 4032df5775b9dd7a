"""The English catalog is complete, compiled, and in step with the French strings of the code.

Source strings are French (ADR 0002); beffroi/locale/en is what English-speaking users read.
These tests use GNU gettext, installed by scripts/install-test-tools.sh.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "beffroi" / "locale" / "en" / "LC_MESSAGES"


def msgids(po_text: str) -> set[str]:
    """The msgids of a .po file (continuation lines joined), without the header."""
    found = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', po_text + "\n", flags=re.M):
        text = "".join(re.findall(r'"(.*)"', block))
        if text:
            found.add(text)
    return found


def test_every_message_is_translated():
    """No untranslated or fuzzy entry: an English reader never meets a French sentence."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", CATALOG / "django.po"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    assert "untranslated" not in result.stderr, result.stderr


def test_the_compiled_catalog_matches_its_source(tmp_path):
    """django.mo was compiled from the django.po committed beside it."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", fresh, CATALOG / "django.po"], check=True)
    with fresh.open("rb") as source, (CATALOG / "django.mo").open("rb") as committed:
        assert (
            gettext.GNUTranslations(source)._catalog
            == gettext.GNUTranslations(  # type: ignore[attr-defined]
                committed
            )._catalog
        )  # type: ignore[attr-defined]


def test_the_catalog_holds_every_string_of_the_code(tmp_path):
    """makemessages run on a copy of the package finds no msgid the catalog lacks."""
    copy = tmp_path / "beffroi"
    shutil.copytree(
        ROOT / "beffroi",
        copy,
        ignore=shutil.ignore_patterns("build", "__pycache__", "*.mo"),
    )
    env = {**os.environ, "BEFFROI_DATA_DIR": str(tmp_path / "var")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--settings=beffroi.conf.settings",
            "--no-obsolete",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    wanted = msgids((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text())
    have = msgids((CATALOG / "django.po").read_text())
    assert sorted(wanted - have) == []
