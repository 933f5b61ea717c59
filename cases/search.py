"""Free-text search of the case list through an index, on SQLite and on PostgreSQL.

The rule is the admin's: the term is split at spaces (a quoted part stays whole), and every part
must occur, as a substring and ignoring case, in one of the searched columns — the case number,
subject area and summary for everyone; the petitioner's name and phone only for those who may
see personal data (cases.privacy). `%`, `_`, quotes and FTS operators are plain characters.

Where the text is indexed (built by migration 0008 and kept current by the database itself, so
the admin, the Excel import, generate_synthetic's raw INSERTs, loaddata and a restore all keep
it in sync):

SQLite: an FTS5 table with the trigram tokenizer, contentless, filled by triggers. Its column
`pub` holds number, subject area and summary, `per` name and phone; each column value is followed
by two unit separators (char 31), so every occurrence of a 1- or 2-character part starts a
trigram: such a part is looked up as the trigrams that begin with it (a range of an fts5vocab
table), a longer one as an FTS phrase. The index answers exactly, so no LIKE is needed afterwards.
A bounded count of a part's cases picks the plan: up to DRIVING_LIMIT, SQLite reads them by id
and sorts them; beyond, the ids only filter the list's (received_on, id) index, read in order.
Deliberate difference: letters outside ASCII (Ａ/ａ, Д/д) now match regardless of case, as they
already did on PostgreSQL.

PostgreSQL: two GIN indexes over `cases_search_grams(...)`, the distinct characters and
character pairs of the upper-cased text. A part's grams narrow the rows through the index and
Django's own `icontains` checks them, so the results are the admin's to the letter. A part found
in more than DRIVING_LIMIT cases is left to `icontains` alone on the list's index, read in order;
a character or pair that ANALYZE's statistics of the index show in at least COMMON_SHARE of the
cases is taken as such without counting.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.text import smart_split, unescape_string_literal

PUBLIC_FIELDS = ("number", "subject_area", "summary")
PERSONAL_FIELDS = ("petitioner_name", "petitioner_phone")

FTS_TABLE = "cases_petitioncase_search"
FTS_TERMS = "cases_petitioncase_search_terms"  # fts5vocab 'instance': term, doc, col, offset
FTS_ROWS = "cases_petitioncase_search_rows"  # fts5vocab 'row': the distinct terms
PG_GRAMS = "cases_search_grams"

# A part matched by at most this many cases drives the query (its cases are read by id and
# sorted); a more common part only filters the list's own index, read in order, which soon finds
# a page.
DRIVING_LIMIT = 20_000
DRIVING_LIMIT_ONE_CHARACTER = 5_000  # read from the fts5vocab 'instance' table, dearer per case
# On PostgreSQL a character or pair the statistics put in at least this share of the cases is
# common without counting: LIKE on the list's index finds the capped count's 1,000 matches
# within ~100,000 rows.
COMMON_SHARE = 0.01


def search_parts(term: str) -> list[str]:
    """The parts of a search term as the admin splits them; empty parts (a lone quote) match all."""
    parts = []
    for bit in smart_split(term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            parts.append(bit)
    return parts


def search_cases(queryset: QuerySet, term: str, *, personal: bool) -> QuerySet:
    """`queryset` narrowed to the cases matching every part of `term` (see the module doc).

    Each part costs a bounded count through the index first, to choose the query's plan (and on
    SQLite a 2-character part a look-up of its trigrams)."""
    for part in search_parts(term):
        if connection.vendor == "sqlite":
            queryset = queryset.filter(_sqlite_condition(queryset, part, personal=personal))
        elif connection.vendor == "postgresql":
            queryset = queryset.filter(_postgresql_condition(queryset, part, personal=personal))
        else:
            queryset = queryset.filter(_contains(part, personal=personal))
    return queryset


def _contains(part: str, *, personal: bool) -> Q:
    fields = PUBLIC_FIELDS + (PERSONAL_FIELDS if personal else ())
    return Q.create([(f"{f}__icontains", part) for f in fields], connector=Q.OR)


# SQLite -------------------------------------------------------------------------------------


def _fts_fold(part: str) -> str:
    # The trigram tokenizer folds case character by character; a character whose lower case is
    # longer (İ) it leaves alone.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in part)


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _sqlite_candidates(part: str, *, personal: bool) -> tuple[str, list] | None:
    """SQL selecting the ids of the cases containing `part`, with its parameters; None when no
    case can contain it."""
    columns = "{pub per}" if personal else "{pub}"
    match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    if len(part) >= 3:
        return match, [f"{columns} : {_fts_phrase(part)}"]
    folded = _fts_fold(part)
    bounds = [folded, folded + "\U0010ffff"]
    if len(part) == 1:
        # Every trigram starting with one character may be thousands; their occurrences, read
        # straight from the index, are as many as the character's.
        cols = "('pub', 'per')" if personal else "('pub')"
        return f"SELECT doc FROM {FTS_TERMS} WHERE term >= %s AND term < %s AND col IN {cols}", bounds
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {FTS_ROWS} WHERE term >= %s AND term < %s", bounds)
        trigrams = [term for (term,) in cursor.fetchall()]
    if not trigrams:
        return None
    return match, [f"{columns} : ({' OR '.join(_fts_phrase(t) for t in trigrams)})"]


def _like_agrees(part: str) -> bool:
    """Whether SQLite's LIKE, which ignores the case of ASCII letters only, matches `part` as the
    index does: when it has no other letters that have a case (Ａ, Д)."""
    return all(c.isascii() or c.lower() == c.upper() for c in part)


def _sqlite_condition(queryset: QuerySet, part: str, *, personal: bool) -> RawSQL | Q:
    candidates = _sqlite_candidates(part, personal=personal)
    if candidates is None:
        return Q(pk__in=[])
    sql, params = candidates
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {DRIVING_LIMIT + 1})", params)
        (found,) = cursor.fetchone()
    column = f'"{queryset.model._meta.db_table}"."id"'
    if found <= (DRIVING_LIMIT_ONE_CHARACTER if len(part) == 1 else DRIVING_LIMIT):
        return RawSQL(f"{column} IN ({sql})", params, output_field=BooleanField())
    # A common part: a unary + keeps SQLite from looking its cases up one by one and sorting
    # them; it reads the list's own index in order and stops at the first page.
    if len(part) == 1 and found > DRIVING_LIMIT and _like_agrees(part):
        return _contains(part, personal=personal)  # so common that a page of it comes at once
    if len(part) >= 4 and _like_agrees(part):
        # Gathering a long part's cases compares positions in every one; gathering those of its
        # first trigram does not, and LIKE sorts out the few extra.
        sql, params = _sqlite_candidates(part[:3], personal=personal)
        return RawSQL(f"+{column} IN ({sql})", params, output_field=BooleanField()) & _contains(part, personal=personal)
    return RawSQL(f"+{column} IN ({sql})", params, output_field=BooleanField())


# PostgreSQL ---------------------------------------------------------------------------------


def _pg_text(table: str, fields: tuple[str, ...]) -> str:
    # As migration 0008 indexed it: a query must spell the expression the same to use the index.
    return " || E'\\x1f' || ".join(f'"{table}"."{f}"' for f in fields)


def _pg_share(part: str, *, personal: bool) -> float:
    """The share of cases whose indexed text holds `part` (a character or a pair), from the
    statistics ANALYZE keeps on the search indexes' most common elements; 0 when it is not among
    them or there are none yet. Counting a common pair's cases through its GIN index builds the
    pair's whole bitmap (45–85 ms at a million cases); the statistics answer in a millisecond.
    Only 1- and 2-character parts are elements; a longer part, rare though its pairs are common,
    is still counted."""
    indexes = ["case_search_public"] + (["case_search_personal"] if personal else [])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
            [indexes],
        )
        rows = cursor.fetchall()
    key = part.upper()  # as cases_search_grams() folds the text (for the choice of plan only)
    share = 0.0
    for elems, freqs in rows:
        if elems and key in elems:
            share = max(share, freqs[elems.index(key)])
    return share


def _postgresql_condition(queryset: QuerySet, part: str, *, personal: bool) -> Q:
    table = queryset.model._meta.db_table
    groups = [PUBLIC_FIELDS] + ([PERSONAL_FIELDS] if personal else [])
    # A longer part is looked up by its pairs alone: the posting list of a single digit or a
    # common character is most of the table, and adds nothing the pairs do not say.
    wanted = f"{PG_GRAMS}(%s)"
    if len(part) > 1:
        wanted = f"ARRAY(SELECT g FROM unnest({PG_GRAMS}(%s)) AS g WHERE char_length(g) = 2)"
    narrowed = "(" + " OR ".join(f"{PG_GRAMS}({_pg_text(table, g)}) @> {wanted}" for g in groups) + ")"
    params = [part] * len(groups)
    if len(part) <= 2 and _pg_share(part, personal=personal) >= COMMON_SHARE:
        found = DRIVING_LIMIT + 1  # common by the statistics: no need to count its cases
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT count(*) FROM (SELECT 1 FROM "{table}" WHERE {narrowed} LIMIT {DRIVING_LIMIT + 1}) AS t',
                params,
            )
            (found,) = cursor.fetchone()
    if found > DRIVING_LIMIT:
        # A common part: LIKE on the list's own index, read in order, finds a page at once,
        # where gathering and sorting all its cases would not.
        return _contains(part, personal=personal)
    return Q(RawSQL(narrowed, params, output_field=BooleanField())) & _contains(part, personal=personal)
