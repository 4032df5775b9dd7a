"""How much a drive may hold, and how much it holds.

A space's limit is its own override (``Space.quota_bytes``, 0 for none) or the default of its kind
(``BEFFROI_FILES_AGENT_QUOTA_MIB``, ``BEFFROI_FILES_DEPARTMENT_QUOTA_MIB``). What counts is every
version of every file of the space, the current ones, the older ones and those in the trash:
all of them take room in the blob store until purged. Uploads check the room left before they
start (on the declared length) and while they stream, so that a body over the quota is stopped
as soon as it crosses the line, before anything is committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy

from beffroi.core.errors import BeffroiError
from beffroi.files.models import Node, Space, Version


class QuotaExceeded(BeffroiError):
    """The drive has no room left for this content (HTTP and WebDAV 507)."""

    code = "quota_depasse"
    http_status = 507
    default_message = gettext_lazy(
        "Cet espace est plein : supprimez des fichiers ou videz la corbeille, ou demandez "
        "davantage d'espace au service informatique."
    )


def quota_exceeded(space: Space, *, limit: int) -> QuotaExceeded:
    return QuotaExceeded(
        gettext(
            "L'espace est plein (quota de %(limit)s, versions et corbeille comprises) : "
            "supprimez des fichiers, videz la corbeille, ou demandez davantage d'espace au "
            "service informatique."
        )
        % {"limit": filesizeformat(limit)}
    )


def limit_of(space: Space) -> int | None:
    """The most ``space`` may hold, in bytes; None when it has no limit."""
    if space.quota_bytes is not None:
        limit = space.quota_bytes
    elif space.kind == Space.Kind.PERSONAL:
        limit = settings.FILES_AGENT_QUOTA_BYTES
    else:
        limit = settings.FILES_DEPARTMENT_QUOTA_BYTES
    return limit or None


def used_by(space: Space) -> int:
    """Bytes taken by every version of every file of ``space`` (trash included)."""
    total = Version.objects.filter(node__space=space).aggregate(total=Sum("size"))["total"]
    return int(total or 0)


def room_left(space: Space) -> int | None:
    """Bytes that may still be added to ``space``; None when it has no limit."""
    limit = limit_of(space)
    if limit is None:
        return None
    return max(0, limit - used_by(space))


def ensure_room(space: Space, incoming: int) -> None:
    """Raise ``QuotaExceeded`` unless ``incoming`` more bytes fit in ``space``."""
    limit = limit_of(space)
    if limit is not None and used_by(space) + incoming > limit:
        raise quota_exceeded(space, limit=limit)


class UploadMeter:
    """Counts the bytes of one upload into ``space`` and stops it once they would not fit.

    Built before the first byte is stored: a declared length over the room left is refused at
    once. ``count`` is called for each chunk, before it is written.
    """

    def __init__(self, space: Space, *, declared: int | None = None) -> None:
        self.space = space
        self.limit = limit_of(space)
        self.room = None if self.limit is None else max(0, self.limit - used_by(space))
        self.received = 0
        if declared is not None:
            self._check(declared)

    def _check(self, size: int) -> None:
        if self.room is not None and self.limit is not None and size > self.room:
            raise quota_exceeded(self.space, limit=self.limit)

    def count(self, size: int) -> None:
        self.received += size
        self._check(self.received)


@dataclass(frozen=True)
class SpaceUsage:
    """What a drive holds, for the UI: ``used`` = ``current`` + ``versions`` + ``trash``."""

    limit: int | None
    used: int
    current: int
    versions: int
    trash: int

    @property
    def available(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def trashed_node_ids(space: Space) -> set[object]:
    """Every node in the trash of ``space``, with what the trashed folders hold."""
    found: set[object] = set()
    level = list(
        Node.objects.filter(space=space, trashed_at__isnull=False).values_list("pk", flat=True)
    )
    while level:
        fresh = [pk for pk in level if pk not in found]
        found.update(fresh)
        level = list(
            Node.objects.filter(parent_id__in=fresh)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
    return found


def usage_of(space: Space) -> SpaceUsage:
    versions = Version.objects.filter(node__space=space)
    used = int(versions.aggregate(total=Sum("size"))["total"] or 0)
    in_trash = trashed_node_ids(space)
    trash = int(versions.filter(node_id__in=in_trash).aggregate(total=Sum("size"))["total"] or 0)
    current = int(
        Node.objects.filter(space=space, is_folder=False, current_version__isnull=False)
        .exclude(pk__in=in_trash)
        .aggregate(total=Sum("current_version__size"))["total"]
        or 0
    )
    return SpaceUsage(
        limit=limit_of(space),
        used=used,
        current=current,
        versions=max(0, used - current - trash),
        trash=trash,
    )
