"""The two full-text engines behind one interface: SQLite FTS5 and PostgreSQL.

Both index the same analysed text (``french.analyse``) and receive the same ``Query``, each in its
own syntax built from terms that are only letters and digits, always quoted: what a person types
never becomes an operator. ``matches`` finds entries of one kind within some scopes, best first;
title matches weigh ten times body matches on both engines (bm25 column weights on SQLite,
``ts_rank`` weights on PostgreSQL). Scores are "higher is better" on both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from beffroi.search.query import Query


@dataclass(frozen=True)
class Match:
    entry_id: int
    object_id: str
    score: float


def _fts5_term(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def fts5_expression(query: Query) -> str:
    """The FTS5 MATCH expression of ``query``."""
    parts = [_fts5_term(term) for term in query.terms]
    parts += ['"' + " ".join(phrase).replace('"', "") + '"' for phrase in query.phrases]
    if query.prefixes:
        typing = [_fts5_term(p) + "*" for p in query.prefixes]
        typing += [_fts5_term(stem) for stem in query.stems]
        parts.append("(" + " OR ".join(typing) + ")")
    return " AND ".join(parts)


def _lexeme(term: str) -> str:
    return "'" + term.replace("'", "").replace("\\", "") + "'"


def tsquery_expression(query: Query) -> str:
    """The ``to_tsquery('simple', …)`` text of ``query``."""
    parts = [_lexeme(term) for term in query.terms]
    parts += ["(" + " <-> ".join(_lexeme(t) for t in phrase) + ")" for phrase in query.phrases]
    if query.prefixes:
        typing = [_lexeme(p) + ":*" for p in query.prefixes]
        typing += [_lexeme(stem) for stem in query.stems]
        parts.append("(" + " | ".join(typing) + ")")
    return " & ".join(parts)


# SQLite: the scopes are words of the FTS5 index (``access_term``), so that FTS5 itself keeps
# only the allowed entries; CROSS JOIN keeps it the outer loop (left to itself, the planner
# walks the entries of the person's scopes and asks FTS5 about each one).

# Title weighs ten times the body (bm25 weights per column; ts_rank weights {D, C, B, A}).
_TITLE_WEIGHT = 10.0
_BODY_WEIGHT = 1.0


def _marks(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def access_term(kind: str, scope: str) -> str:
    """The word an entry of ``kind`` in ``scope`` carries in the FTS5 index (letters and
    digits: the tokenizer keeps it whole)."""
    digest = hashlib.blake2b(f"{kind}\0{scope}".encode(), digest_size=8).hexdigest()
    return f"a{digest}"


def _sqlite_expression(query: Query, kind: str, scopes: Sequence[str]) -> str:
    """The words asked, in the text columns, AND one of the allowed (kind, scope) words."""
    allowed = " OR ".join(_fts5_term(access_term(kind, scope)) for scope in scopes)
    text = fts5_expression(query)
    return f"{{analysed_title analysed_body}} : ({text}) AND access_term : ({allowed})"


def _sqlite(query: Query, kind: str, scopes: Sequence[str], limit: int) -> list[Match]:
    # The kind and scope are checked again on the entry: the access word is a hash.
    sql = f"""
        SELECT e.id, e.object_id,
               -bm25(search_entry_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT}, 0.0) AS score
        FROM search_entry_fts CROSS JOIN search_entry e ON e.id = search_entry_fts.rowid
        WHERE search_entry_fts MATCH %s AND e.kind = %s AND e.scope IN ({_marks(scopes)})
        ORDER BY score DESC, e.updated_at DESC, e.id
        LIMIT %s
    """  # noqa: S608 - only placeholders and constants are formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql, [_sqlite_expression(query, kind, scopes), kind, *scopes, limit])
        return [Match(row[0], row[1], float(row[2])) for row in cursor.fetchall()]


def _sqlite_count(query: Query, kind: str, scopes: Sequence[str], cap: int) -> int:
    sql = f"""
        SELECT COUNT(*) FROM (
            SELECT 1
            FROM search_entry_fts CROSS JOIN search_entry e ON e.id = search_entry_fts.rowid
            WHERE search_entry_fts MATCH %s AND e.kind = %s AND e.scope IN ({_marks(scopes)})
            LIMIT %s
        )
    """  # noqa: S608 - only placeholders are formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql, [_sqlite_expression(query, kind, scopes), kind, *scopes, cap])
        return int(cursor.fetchone()[0])


_PG_WEIGHTS = f"'{{0, 0, {_BODY_WEIGHT / _TITLE_WEIGHT}, 1}}'"


def _postgresql(query: Query, kind: str, scopes: Sequence[str], limit: int) -> list[Match]:
    sql = f"""
        SELECT e.id, e.object_id, ts_rank({_PG_WEIGHTS}, e.vector, q) AS score
        FROM search_entry e, to_tsquery('simple', %s) q
        WHERE e.vector @@ q AND e.kind = %s AND e.scope = ANY(%s)
        ORDER BY score DESC, e.updated_at DESC, e.id
        LIMIT %s
    """  # noqa: S608 - only constants are formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery_expression(query), kind, list(scopes), limit])
        return [Match(row[0], row[1], float(row[2])) for row in cursor.fetchall()]


def _postgresql_count(query: Query, kind: str, scopes: Sequence[str], cap: int) -> int:
    sql = """
        SELECT COUNT(*) FROM (
            SELECT 1 FROM search_entry e
            WHERE e.vector @@ to_tsquery('simple', %s) AND e.kind = %s AND e.scope = ANY(%s)
            LIMIT %s
        ) found
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery_expression(query), kind, list(scopes), cap])
        return int(cursor.fetchone()[0])


def matches(query: Query, kind: str, scopes: Sequence[str], limit: int) -> list[Match]:
    """Entries of ``kind`` in ``scopes`` matching ``query``, best first, at most ``limit``."""
    if query.empty or not scopes or limit <= 0:
        return []
    if connection.vendor == "postgresql":
        return _postgresql(query, kind, scopes, limit)
    return _sqlite(query, kind, scopes, limit)


def count(query: Query, kind: str, scopes: Sequence[str], cap: int) -> int:
    """How many entries of ``kind`` in ``scopes`` match ``query``, counting up to ``cap``."""
    if query.empty or not scopes:
        return 0
    if connection.vendor == "postgresql":
        return _postgresql_count(query, kind, scopes, cap)
    return _sqlite_count(query, kind, scopes, cap)
