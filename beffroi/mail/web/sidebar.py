"""The webmail's left column: the agent's mailbox and the shared ones beside it, each with
its folders (SPECIAL-USE roles named in French, standard ones first) and unread counts."""

from __future__ import annotations

from typing import Any

from beffroi.mail import access
from beffroi.mail.models import Folder, Mailbox

_ORDER = ["inbox", "drafts", "sent", "archive", "junk", "trash"]


def _sort_key(folder: Folder) -> tuple[int, str]:
    role = folder.special_use
    return (_ORDER.index(role) if role in _ORDER else len(_ORDER), folder.name.lower())


def sidebar(agent: Any, mailbox: Mailbox, current: Folder | None) -> dict[str, Any]:
    boxes = []
    for box in access.access_mailboxes(agent):
        counts = access.access_unread_counts(agent, box)
        folders = sorted(access.access_folders(agent, box), key=_sort_key)
        boxes.append(
            {
                "mailbox": box,
                "current": box.pk == mailbox.pk,
                "folders": [
                    {
                        "folder": folder,
                        "label": Folder.SpecialUse(folder.special_use).label
                        if folder.special_use
                        else folder.name,
                        "unread": counts.get(folder.pk, 0),
                        "current": current is not None and folder.pk == current.pk,
                    }
                    for folder in folders
                ],
            }
        )
    return {"mailboxes": boxes, "current_mailbox": mailbox}
