"""Searching for a person: only what they may read, counted after the permission filter.

For each registered kind: the engine matches within the scopes the kind's source gives the
person (in SQL, before any limit); a source with a ``visible`` check then drops, from the
candidates in rank order, what the person may not read, before anything is counted or cut to
``limit``. Counts are exact up to ``COUNT_CAP`` (shown « 1 000+ » beyond); for a kind with a
``visible`` check, up to ``CANDIDATE_CAP`` candidates are checked, and the count says « N+ »
when there were more. Anonymous, suspended or departed people get nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString

from beffroi.search import engines, registry, snippets
from beffroi.search.engines import Match
from beffroi.search.models import Entry
from beffroi.search.query import Query, parse

COUNT_CAP = 1000
CANDIDATE_CAP = 5000
MAX_LIMIT = 50
_VISIBLE_BATCH = 500


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: str
    title: str
    title_html: SafeString  # the title, escaped, matching words in <mark>
    url: str
    snippet: SafeString  # escaped text around the first match, matching words in <mark>
    score: float
    updated_at: datetime


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    count: int
    # True when there are more than ``count`` (the count stopped at a cap).
    more: bool
    hits: list[Hit]

    @property
    def count_label(self) -> str:
        """« 12 », « 1 000+ »."""
        shown = number_format(self.count, force_grouping=True)
        return f"{shown}+" if self.more else str(shown)


@dataclass(frozen=True)
class SearchResults:
    text: str
    groups: list[Group] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups


def _searcher(user: Any) -> Any | None:
    if getattr(user, "is_authenticated", False) and getattr(user, "can_sign_in", False):
        return user
    return None


def _visible_matches(
    source: registry.Source, agent: Any, candidates: list[Match]
) -> tuple[list[Match], bool]:
    assert source.visible is not None
    kept: list[Match] = []
    for start in range(0, len(candidates), _VISIBLE_BATCH):
        batch = candidates[start : start + _VISIBLE_BATCH]
        allowed = source.visible(agent, [match.object_id for match in batch])
        kept.extend(match for match in batch if match.object_id in allowed)
        if len(kept) > COUNT_CAP:
            return kept, True
    return kept, len(candidates) >= CANDIDATE_CAP


def _group(
    source: registry.Source,
    agent: Any,
    query: Query,
    limit: int,
    within: Collection[str] | None = None,
) -> tuple[list[Match], int, bool]:
    allowed = set(source.scopes(agent))
    scopes = sorted(allowed if within is None else allowed & set(within))
    if not scopes:
        return [], 0, False
    if source.visible is None:
        found = engines.count(query, source.kind, scopes, COUNT_CAP + 1)
        hits = engines.matches(query, source.kind, scopes, limit)
        return hits, min(found, COUNT_CAP), found > COUNT_CAP
    candidates = engines.matches(query, source.kind, scopes, CANDIDATE_CAP)
    kept, more = _visible_matches(source, agent, candidates)
    return kept[:limit], min(len(kept), COUNT_CAP), more


def _hits(kind: str, query: Query, found: list[Match]) -> list[Hit]:
    entries = Entry.objects.in_bulk([match.entry_id for match in found])
    hits: list[Hit] = []
    for match in found:
        entry = entries.get(match.entry_id)
        if entry is None:  # removed meanwhile
            continue
        # The analysed body says at once whether the original has a word to look for.
        in_body = query.found_in(entry.analysed_body)
        text = entry.body or entry.title
        hits.append(
            Hit(
                kind=kind,
                object_id=entry.object_id,
                title=entry.title,
                title_html=snippets.highlight(entry.title, query),
                url=entry.url,
                snippet=snippets.snippet(text, query, look=in_body or not entry.body),
                score=match.score,
                updated_at=entry.updated_at,
            )
        )
    return hits


def access_search(
    user: Any,
    text: str,
    *,
    kinds: Collection[str] | None = None,
    limit: int = 10,
    prefix: bool = False,
    within: Collection[str] | None = None,
) -> SearchResults:
    """What ``user`` may read that matches ``text``, grouped by kind, best first, ``limit``
    hits a kind. ``prefix``: the last word is still being typed. ``within``: only these scopes
    (those of one workspace, say), never more than the person's own."""
    agent = _searcher(user)
    query = parse(text, prefix=prefix)
    if agent is None or query.empty:
        return SearchResults(text)
    limit = max(1, min(limit, MAX_LIMIT))
    groups: list[Group] = []
    for source in registry.sources():
        if kinds is not None and source.kind not in kinds:
            continue
        found, count, more = _group(source, agent, query, limit, within)
        if count:
            hits = _hits(source.kind, query, found)
            groups.append(Group(source.kind, str(source.label), count, more, hits))
    return SearchResults(text, groups)
