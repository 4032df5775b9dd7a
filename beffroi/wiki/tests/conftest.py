from beffroi.workspaces.tests.conftest import chantier  # noqa: F401 - the shared workspace
