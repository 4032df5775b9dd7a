"""``@prénom.nom`` in a page or a comment: the agents it names."""

from __future__ import annotations

import re
from collections.abc import Collection

from beffroi.directory.models import Agent

# A username as the directory makes them (letters, digits, dots, dashes, underscores), after an
# @ that does not follow a word character (so e-mail addresses are not mentions).
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9._-]{0,149})")
MAX_MENTIONS = 50


def mentioned_usernames(text: str) -> list[str]:
    found: list[str] = []
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip("._-")
        if name and name not in found:
            found.append(name)
        if len(found) >= MAX_MENTIONS:
            break
    return found


def mentioned_agents(text: str, among: Collection[object] | None = None) -> list[Agent]:
    """Active agents named in ``text``; only those whose id is in ``among`` when given (the
    members of the workspace: naming someone outside tells them nothing)."""
    names = mentioned_usernames(text)
    if not names:
        return []
    agents = [a for a in Agent.objects.filter(username__in=names) if a.can_sign_in]
    if among is not None:
        agents = [a for a in agents if a.pk in among]
    return agents
