"""A workspace's drive as other capabilities use it: the wiki and the task board keep their
attachments in folders of it (« Pièces jointes du wiki », « Pièces jointes des tâches »), so
members find them in the file manager too, with versions, quota and shares."""

from __future__ import annotations

from typing import Any

from beffroi.core.errors import NotFound
from beffroi.files import actions as files_actions
from beffroi.files.models import Node
from beffroi.files.names import clean_name
from beffroi.workspaces.models import Workspace


def drive_root(workspace: Workspace) -> Node:
    """The top folder of the workspace's drive."""
    root = Node.objects.filter(space__workspace=workspace, parent=None).first()
    if root is None:
        raise NotFound
    return root


def living_folder(parent: Node, name: str) -> Node | None:
    """The folder ``name`` in ``parent``, unless it is in the bin."""
    return Node.objects.filter(parent=parent, name=name, trashed_at=None, is_folder=True).first()


def ensure_folder(actor: Any, parent: Node, name: str) -> Node:
    """The folder ``name`` in ``parent``, created by ``actor`` (who must be allowed to write
    there) when it does not exist yet."""
    return living_folder(parent, name) or files_actions.do_create_folder(actor, parent, name)


def folder_name_for(title: str) -> str:
    """A folder name made from a page's or a task's title (a slash would make a path)."""
    return clean_name(title.replace("/", "-"))
