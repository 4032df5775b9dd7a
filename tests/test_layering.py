"""The dependency rule of ARCHITECTURE.md §1.5, checked on every import of the package.

Domain apps never import adapters (the API, DAV, realtime, the web shell); their own ``api/``,
``management/`` and ``tests/`` folders are adapters and may. ``core`` imports no app.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "beffroi"
ADAPTERS = ("beffroi.api", "beffroi.dav", "beffroi.oidc", "beffroi.realtime", "beffroi.web")
NOT_APPS = ("beffroi.core", "beffroi.conf")
ADAPTER_FOLDERS = {"api", "management", "tests", "migrations", "web"}


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def is_within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations() -> list[str]:
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_of(path)
        parts = module.split(".")
        app = ".".join(parts[:2])
        in_adapter_folder = len(parts) > 2 and parts[2] in ADAPTER_FOLDERS
        for line, imported in imports_of(path):
            if not is_within(imported, "beffroi") or is_within(imported, app):
                continue
            if app == "beffroi.core" and not is_within(imported, "beffroi.conf"):
                found.append(f"{path}:{line} core imports the app {imported}")
            elif (
                app not in ADAPTERS + NOT_APPS
                and not in_adapter_folder
                and any(is_within(imported, adapter) for adapter in ADAPTERS)
            ):
                found.append(f"{path}:{line} domain module {module} imports adapter {imported}")
    return found


def test_domain_apps_never_import_adapters_and_core_imports_no_app():
    assert violations() == []


def test_the_check_sees_a_violation(tmp_path, monkeypatch):
    """The rule is live: a domain module importing the web shell is reported."""
    offending = PACKAGE / "directory" / "_layering_probe.py"
    offending.write_text("from beffroi.web import views\n", encoding="utf-8")
    try:
        assert any("_layering_probe" in line for line in violations())
    finally:
        offending.unlink()
