"""What a person may do with a workspace's pages: read it with the workspace, change it as
one of its contributors (an archived workspace is read-only). The workspace decides."""

from __future__ import annotations

from beffroi.workspaces.policies import ContentAbilities, content_abilities

WikiAbilities = ContentAbilities
abilities = content_abilities

__all__ = ["WikiAbilities", "abilities"]
