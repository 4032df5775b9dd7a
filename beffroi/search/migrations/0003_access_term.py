"""SQLite: the scopes inside the full-text index.

Each entry gets one word standing for its (kind, scope), indexed by FTS5 in a third column; a
search then asks FTS5 for « the words AND one of the allowed scope words », which it answers by
intersecting its own lists, instead of looking up every matching entry's scope (slow as soon as
a common word matches tens of thousands of documents). The FTS5 table and its triggers are
rebuilt with that column. PostgreSQL is unchanged (its planner combines the GIN and B-tree
indexes).
"""

import hashlib

from django.db import migrations, models


def access_term(kind, scope):
    # The same as beffroi.search.engines.access_term (kept here as it was when written).
    digest = hashlib.blake2b(f"{kind}\0{scope}".encode(), digest_size=8).hexdigest()
    return f"a{digest}"


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]
SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_entry_fts USING fts5(
        analysed_title, analysed_body, access_term,
        content='search_entry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )""",
    """CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_entry_fts(rowid, analysed_title, analysed_body, access_term)
        VALUES (new.id, new.analysed_title, new.analysed_body, new.access_term);
    END""",
    """CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_entry_fts(
            search_entry_fts, rowid, analysed_title, analysed_body, access_term
        ) VALUES ('delete', old.id, old.analysed_title, old.analysed_body, old.access_term);
    END""",
    """CREATE TRIGGER search_entry_fts_update
    AFTER UPDATE OF analysed_title, analysed_body, access_term ON search_entry BEGIN
        INSERT INTO search_entry_fts(
            search_entry_fts, rowid, analysed_title, analysed_body, access_term
        ) VALUES ('delete', old.id, old.analysed_title, old.analysed_body, old.access_term);
        INSERT INTO search_entry_fts(rowid, analysed_title, analysed_body, access_term)
        VALUES (new.id, new.analysed_title, new.analysed_body, new.access_term);
    END""",
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]
SQLITE_BACK = [
    """CREATE VIRTUAL TABLE search_entry_fts USING fts5(
        analysed_title, analysed_body,
        content='search_entry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )""",
    """CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_entry_fts(rowid, analysed_title, analysed_body)
        VALUES (new.id, new.analysed_title, new.analysed_body);
    END""",
    """CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, analysed_title, analysed_body)
        VALUES ('delete', old.id, old.analysed_title, old.analysed_body);
    END""",
    """CREATE TRIGGER search_entry_fts_update
    AFTER UPDATE OF analysed_title, analysed_body ON search_entry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, analysed_title, analysed_body)
        VALUES ('delete', old.id, old.analysed_title, old.analysed_body);
        INSERT INTO search_entry_fts(rowid, analysed_title, analysed_body)
        VALUES (new.id, new.analysed_title, new.analysed_body);
    END""",
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]


def forwards(apps, schema_editor):
    Entry = apps.get_model("search", "Entry")
    for entry in Entry.objects.only("id", "kind", "scope").iterator():
        Entry.objects.filter(pk=entry.pk).update(access_term=access_term(entry.kind, entry.scope))
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*SQLITE_DROP, *SQLITE_CREATE]:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*SQLITE_DROP, *SQLITE_BACK]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engines")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="access_term",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunPython(forwards, backwards),
    ]
