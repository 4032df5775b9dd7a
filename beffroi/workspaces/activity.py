"""The activity feed of a workspace: written by the actions of every capability that works in
one (pages, tasks, files, events), read on the workspace's page."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from beffroi.workspaces.models import Activity, Workspace

# How each kind of line reads; ``target`` is the name of what changed.
VERBS: dict[str, str | Promise] = {
    "workspace_created": _("a créé l'espace"),
    "workspace_archived": _("a archivé l'espace"),
    "workspace_unarchived": _("a rouvert l'espace"),
    "member_added": _("a ajouté aux membres : %(target)s"),
    "member_removed": _("a retiré des membres : %(target)s"),
    "file_added": _("a déposé le fichier « %(target)s »"),
    "file_updated": _("a modifié le fichier « %(target)s »"),
    "page_created": _("a créé la page « %(target)s »"),
    "page_edited": _("a modifié la page « %(target)s »"),
    "page_moved": _("a déplacé la page « %(target)s »"),
    "page_deleted": _("a supprimé la page « %(target)s »"),
    "task_created": _("a créé la tâche « %(target)s »"),
    "task_moved": _("a déplacé la tâche « %(target)s »"),
    "task_updated": _("a modifié la tâche « %(target)s »"),
    "task_commented": _("a commenté la tâche « %(target)s »"),
    "event_created": _("a ajouté l'événement « %(target)s »"),
}


def record_activity(
    workspace: Workspace | Any, actor: Any, verb: str, target: str = "", url: str = ""
) -> Activity:
    """One line in the feed; call it inside the action's transaction."""
    if verb not in VERBS:
        raise ValueError(f"unknown activity verb {verb!r}")
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    return Activity.objects.create(
        workspace_id=workspace_id,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target=target[:300],
        url=url[:500],
    )


def describe(line: Activity) -> str:
    """What the line says, in the reader's language (without the actor's name)."""
    return str(VERBS.get(line.verb, line.verb)) % {"target": line.target}
