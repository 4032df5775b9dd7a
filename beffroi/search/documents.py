"""What the index holds about one object of any capability: a ``Document``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KINDS = ("file", "page", "task", "event", "contact", "agent")

# A body is cut to this many characters (about a hundred pages of text): enough for every
# word people search for in a document, small enough that PostgreSQL's tsvector (1 MB at most)
# and the snippets stay cheap. A title is cut to ``MAX_TITLE_CHARS``.
MAX_BODY_CHARS = 300_000
MAX_TITLE_CHARS = 500
MAX_URL_CHARS = 1000


@dataclass(frozen=True)
class Document:
    """One searchable object, as a capability describes it to the index."""

    kind: str  # "file", "page", "task", "event", "contact", "agent"
    object_id: str  # the object's primary key as text
    # Who may see it, coarsely: "space:<uuid>", "workspace:<uuid>", "calendar:<uuid>",
    # "book:<uuid>", "org" (every active agent who is not a guest), "agent:<uuid>".
    scope: str
    title: str
    body: str  # plain text, cut to MAX_BODY_CHARS when indexed
    url: str  # where the result opens in the web UI
    updated_at: datetime
