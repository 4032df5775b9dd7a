"""docs/configuration.md lists every environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(
    r"""(?:env_(?:str|optional|bool|int|list|choice|path|secret)\(\s*"""
    r"""|os\.environ(?:\.get|\.setdefault)?[\[(]\s*)["']([A-Z][A-Z0-9_]+)["']"""
)
SECRET = re.compile(r"""env_secret\(\s*["']([A-Z][A-Z0-9_]+)["']""")
# Set by Django, by pytest-xdist for the suite: no one configures them.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER"}


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "beffroi").rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names.update(READ.findall(text))
        names.update(f"{name}_FILE" for name in SECRET.findall(text))
    return names - NOT_CONFIGURATION


def test_every_variable_read_is_documented():
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in variables_read() if f"`{name}`" not in documented)
    assert missing == []


def test_the_scan_finds_the_variables():
    """The scan is live: it sees variables read in settings, secrets' _FILE forms included."""
    names = variables_read()
    assert {"DATABASE_URL", "BEFFROI_DEBUG", "BEFFROI_SECRET_KEY_FILE"} <= names
