"""The full-text engines over the analysed title and body of ``search_entry``.

SQLite: an FTS5 table with external content (the entry table), kept in step by triggers, so
that every write to an entry (one row or a bulk insert) reaches the index in the same
transaction. PostgreSQL: a generated ``tsvector`` (configuration 'simple': the text is already
folded and stemmed in Python), title weighted A and body B, with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARDS = [
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
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRESQL_FORWARDS = [
    """ALTER TABLE search_entry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, analysed_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, analysed_body), 'B')
    ) STORED""",
    "CREATE INDEX search_entry_vector ON search_entry USING GIN (vector)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
        )
    ]
