"""RFC 6578 sync tokens of collections that count their revisions: ``urn:beffroi:sync:<id>:<n>``
(the scheme CalDAV calendars use)."""

from __future__ import annotations

SYNC_TOKEN_PREFIX = "urn:beffroi:sync:"  # noqa: S105 - a URI scheme, not a secret


def sync_token(collection_id: object, revision: int) -> str:
    return f"{SYNC_TOKEN_PREFIX}{collection_id}:{revision}"


def revision_in(token: str, collection_id: object, current: int) -> int | None:
    """The revision ``token`` names for this collection, or None when it is not one of its
    tokens (another collection's, made up, or from the future)."""
    prefix = f"{SYNC_TOKEN_PREFIX}{collection_id}:"
    if not token.startswith(prefix) or not token[len(prefix) :].isdigit():
        return None
    revision = int(token[len(prefix) :])
    return revision if revision <= current else None
