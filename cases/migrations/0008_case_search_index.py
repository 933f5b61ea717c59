"""The index behind the case list's free-text search (cases.search, which explains the design).

SQLite: a contentless FTS5 trigram table over cases_petitioncase, filled here and kept current by
triggers, plus its fts5vocab views. PostgreSQL: an immutable SQL function giving the characters and
character pairs of a text, and GIN indexes over it. Both are plain database objects, so every
writer keeps them current; neither needs an extension. Also an index for the exact ID number.

The SQL is spelled out here rather than imported from cases.search, so that this migration stays
what it was whatever that module becomes.
"""

from django.db import migrations, models

# Each column value followed by two separators (char 31); see cases.search.
PUB = "{p}number || char(31, 31) || {p}subject_area || char(31, 31) || {p}summary || char(31, 31)"
PER = "{p}petitioner_name || char(31, 31) || {p}petitioner_phone || char(31, 31)"


def _row(p):
    return f"{PUB.format(p=p)}, {PER.format(p=p)}"


INSERT = f"INSERT INTO cases_petitioncase_search(rowid, pub, per) VALUES (new.id, {_row('new.')});"
DELETE = (
    "INSERT INTO cases_petitioncase_search(cases_petitioncase_search, rowid, pub, per) "
    f"VALUES ('delete', old.id, {_row('old.')});"
)

SQLITE_CREATE = [
    # Contentless: the text lives in cases_petitioncase only, and a deletion names the old values.
    "CREATE VIRTUAL TABLE cases_petitioncase_search USING fts5("
    "pub, per, tokenize='trigram', content='', columnsize=0)",
    "CREATE VIRTUAL TABLE cases_petitioncase_search_terms USING fts5vocab(cases_petitioncase_search, 'instance')",
    "CREATE VIRTUAL TABLE cases_petitioncase_search_rows USING fts5vocab(cases_petitioncase_search, 'row')",
    f"INSERT INTO cases_petitioncase_search(rowid, pub, per) SELECT id, {_row('')} FROM cases_petitioncase",
    f"CREATE TRIGGER cases_petitioncase_search_insert AFTER INSERT ON cases_petitioncase BEGIN {INSERT} END",
    f"CREATE TRIGGER cases_petitioncase_search_delete AFTER DELETE ON cases_petitioncase BEGIN {DELETE} END",
    "CREATE TRIGGER cases_petitioncase_search_update AFTER UPDATE OF "
    "id, number, subject_area, summary, petitioner_name, petitioner_phone ON cases_petitioncase "
    f"BEGIN {DELETE} {INSERT} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cases_petitioncase_search_update",
    "DROP TRIGGER IF EXISTS cases_petitioncase_search_delete",
    "DROP TRIGGER IF EXISTS cases_petitioncase_search_insert",
    "DROP TABLE IF EXISTS cases_petitioncase_search_rows",
    "DROP TABLE IF EXISTS cases_petitioncase_search_terms",
    "DROP TABLE IF EXISTS cases_petitioncase_search",
]

POSTGRESQL_CREATE = [
    # The distinct characters and character pairs of the upper-cased text (upper, as Django's
    # icontains compares on PostgreSQL). IMMUTABLE, so that an index may be built on it.
    """CREATE FUNCTION cases_search_grams(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT ARRAY(
            SELECT DISTINCT substr(upper(value), i, n)
            FROM generate_series(1, char_length(value)) AS i, (VALUES (1), (2)) AS g(n)
            WHERE i + n - 1 <= char_length(value)
        )
    $$""",
    "CREATE INDEX case_search_public ON cases_petitioncase USING gin "
    "(cases_search_grams(number || E'\\x1f' || subject_area || E'\\x1f' || summary))",
    "CREATE INDEX case_search_personal ON cases_petitioncase USING gin "
    "(cases_search_grams(petitioner_name || E'\\x1f' || petitioner_phone))",
    # Statistics of the new expressions, from which the planner tells a rare part from a common one.
    "ANALYZE cases_petitioncase",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS case_search_personal",
    "DROP INDEX IF EXISTS case_search_public",
    "DROP FUNCTION IF EXISTS cases_search_grams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_ledger_list_order_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="petitioncase",
            index=models.Index(fields=["petitioner_id_number"], name="case_id_number"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
