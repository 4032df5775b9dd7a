"""What every page inside a workspace shows around its content: its name, tabs and state."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beffroi.workspaces import policies
from beffroi.workspaces.models import Role, Workspace


def workspace_context(user: Any, workspace: Workspace, tab: str) -> dict[str, Any]:
    """For ``workspaces/_shell.html``: ``tab`` is the current one (home, wiki, tasks, members,
    settings)."""
    granted = policies.abilities(user, workspace)
    return {
        "workspace": workspace,
        "abilities": granted,
        "role_label": dict(Role.choices).get(granted.role, ""),
        "tab": tab,
        "drive_url": reverse("files:space", args=[workspace.slug]),
        "dav_path": f"/dav/spaces/{workspace.slug}/",
    }
