"""SQL twins of the Python rules, so that validation runs vectorised in DuckDB instead of per row in Python.

Each twin is exact only on a stated domain (the shape nearly all real values have). The values outside it are
fetched from DuckDB, given to the Python rule itself and handed back as a table (`fallback`), which the query
joins: a Python function registered in DuckDB would need numpy, which is not a runtime dependency (and would be
no faster for these few values). The twins are proven equal to the Python rules by the property tests in
tests/identify/test_import_rules.py:
- personnummer: nara.core.personnummer.parse, for valid numbers of 10 or 12 ASCII digits with an optional - or +
  separator (invalid ones go to parse() too, for its reason);
- ICD-10: nara.identify.icd10.normalise, for well-formed codes of ASCII letters, digits, '.', ' ', '*', '+' (with a
  cheaper first branch for the usual way of writing them, 'I50.9' or 'i509');
- pseudonym: nara.identify.pseudonym.pseudonym (HMAC-SHA256 written out with DuckDB's sha256), on every value;
- a personnummer inside other text: nara.core.personnummer.PNR_IN_TEXT, on every value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import duckdb

from nara.core.personnummer import PNR_SHAPE, PersonnummerError, parse
from nara.identify.icd10 import ICD10Error, normalise
from nara.identify.pseudonym import LENGTH

INVALID = "!"

PNR_DOMAIN = "[0-9]{12}|[0-9]{10}|[0-9]{8}[-+][0-9]{4}|[0-9]{6}[-+][0-9]{4}"
ICD_VALID_ANY_CASE = "[A-Za-z][0-9]{2}[0-9A-Za-z]{0,4}"
ICD_PLAIN = "[A-Za-z][0-9]{2}[.]?[0-9A-Za-z]{0,4}"  # how nearly every code is written: normalised by upper() less '.'
SEPARATORS = "|,;"  # between secondary diagnoses in one field

# nara.core.personnummer.PNR_IN_TEXT for RE2, which has no look-around: the boundaries (no digit right before or
# after) are written out, and \d is \p{Nd}, any decimal digit, as Python's \d is.
_PNR_SHAPE = PNR_SHAPE.replace(r"\d", r"\p{Nd}")
PNR_IN_TEXT_SQL = rf"(^|\P{{Nd}}){_PNR_SHAPE}(\P{{Nd}}|$)"
# In an HSA-id an organisation number follows 'SE' and a unit's serial a letter ('SE2321000131-E000000000201'):
# there a personnummer counts only after something that is neither a letter nor a digit ('SE2321000131-19…').
PNR_IN_HSA_ID_SQL = rf"(^|[^\p{{Nd}}A-Za-z]){_PNR_SHAPE}(\P{{Nd}}|$)"


def pnr_in_text_sql(text: str) -> str:
    """SQL: whether `text` holds something shaped like a personnummer (PNR_IN_TEXT.search)."""
    return f"regexp_matches({text}, '{PNR_IN_TEXT_SQL}')"


def pnr_in_hsa_id_sql(text: str) -> str:
    """SQL: whether the HSA-id `text` holds something shaped like a personnummer outside its organisation number
    and after its serial's letter (see PNR_IN_HSA_ID_SQL)."""
    return f"regexp_matches({text}, '{PNR_IN_HSA_ID_SQL}')"


def fallback(con: duckdb.DuckDBPyConnection, table: str, values: str, rule: Callable[[str], str]) -> None:
    """CREATE TABLE `table` (raw, result): `rule` (a Python rule) applied to each row of the one-column query
    `values` (column `raw`, distinct, not NULL). The values come out of DuckDB and the results go back in as two
    list parameters: one round trip, whatever the number of values."""
    raws = [row[0] for row in con.execute(values).fetchall()]
    con.execute(f"CREATE OR REPLACE TABLE {table} AS "
                "SELECT unnest(?::VARCHAR[]) AS raw, unnest(?::VARCHAR[]) AS result", [raws, [rule(r) for r in raws]])


def personnummer_table(con: duckdb.DuckDBPyConnection, table: str, values: str, today: dt.date) -> None:
    """CREATE TABLE `table` (raw, result) for each value of the one-column query `values` (column `raw`, distinct,
    not NULL); result is the canonical personnummer or '!' + the Swedish reason. parse() is called only for
    values outside the domain and invalid ones (to get the reason)."""

    def rule(text: str) -> str:
        try:
            return parse(text, today=today).canonical
        except PersonnummerError as error:
            return INVALID + str(error)

    con.execute(f"CREATE OR REPLACE TABLE {table}_fast AS {_pnr_fast(values, today)}")
    fallback(con, f"{table}_slow", f"""
        SELECT raw FROM ({values}) v
        WHERE NOT EXISTS (SELECT 1 FROM {table}_fast f WHERE f.raw = v.raw AND f.canonical IS NOT NULL)""", rule)
    con.execute(f"""
        CREATE OR REPLACE TABLE {table} AS
        SELECT raw, canonical AS result FROM {table}_fast WHERE canonical IS NOT NULL
        UNION ALL SELECT raw, result FROM {table}_slow;
        DROP TABLE {table}_fast; DROP TABLE {table}_slow
    """)


def _pnr_fast(values: str, today: dt.date) -> str:
    """parse() as a query over the values in PNR_DOMAIN: (raw, canonical), canonical NULL when invalid. The
    steps follow parse() line by line; each CTE computes once what later steps use several times."""
    today_sql = f"DATE '{today.isoformat()}'"
    # Luhn over YYMMDDNNN: even positions doubled, a doubled digit counted by its digit sum.
    luhn = " + ".join(f"(2 * d{i}) % 10 + (2 * d{i}) // 10" if i % 2 == 0 else f"d{i}" for i in range(9))
    digits = ", ".join(f"ascii(substr(r, {i + 1}, 1)) - 48 AS d{i}" for i in range(10))
    return f"""
        WITH a AS (
            SELECT raw, replace(replace(raw, '-', ''), '+', '') AS d, contains(raw, '+') AS plus
            FROM ({values}) WHERE regexp_full_match(raw, '{PNR_DOMAIN}')
        ), b AS (  -- r = YYMMDDNNNC; a 12-digit number also gives the century
            SELECT raw, plus, length(d) = 12 AS has_century, CASE WHEN length(d) = 12 THEN substr(d, 3) ELSE d END AS r,
                   CASE WHEN length(d) = 12 THEN CAST(substr(d, 1, 2) AS INTEGER) END AS century
            FROM a
        ), c AS (
            SELECT *, CAST(substr(r, 1, 2) AS INTEGER) AS yy, CAST(substr(r, 3, 2) AS INTEGER) AS mm,
                   CAST(substr(r, 5, 2) AS INTEGER) AS dd, {digits}
            FROM b
        ), y AS (  -- the latest year with these two digits that is not in the future; '+' means 100 years earlier
            SELECT *, CASE WHEN dd > 60 THEN dd - 60 ELSE dd END AS day,
                   {today.year} - ({today.year} - yy) % 100 AS base
            FROM c
        ), candidates AS (
            SELECT *,
                   CASE WHEN has_century THEN century * 100 + yy WHEN plus THEN base - 100 ELSE base END AS year1,
                   CASE WHEN has_century THEN NULL ELSE base - 100 END AS year2
            FROM y
        ), dates AS (
            SELECT *,
                   CASE WHEN year1 >= 1 THEN try_cast(printf('%04d-%02d-%02d', year1, mm, day) AS DATE) END AS date1,
                   CASE WHEN year2 >= 1 THEN try_cast(printf('%04d-%02d-%02d', year2, mm, day) AS DATE) END AS date2
            FROM candidates
        ), births AS (
            SELECT *, CASE WHEN date1 <= {today_sql} THEN date1 WHEN date2 <= {today_sql} THEN date2 END AS birth,
                   (10 - ({luhn}) % 10) % 10 = d9 AS check_ok
            FROM dates
        )
        SELECT raw, CASE WHEN NOT (has_century AND plus) AND birth IS NOT NULL AND substr(r, 7, 3) <> '000' AND check_ok
                         THEN printf('%04d', year(birth)) || substr(r, 3, 4) || '-' || substr(r, 7, 4) END AS canonical
        FROM births
    """


def birth_date_sql(canonical: str) -> str:
    day = f"CAST(substr({canonical}, 7, 2) AS INTEGER)"
    return f"make_date(CAST(substr({canonical}, 1, 4) AS INTEGER), CAST(substr({canonical}, 5, 2) AS INTEGER), " \
           f"CASE WHEN {day} > 60 THEN {day} - 60 ELSE {day} END)"


def sex_sql(canonical: str) -> str:
    return f"CASE WHEN CAST(substr({canonical}, 12, 1) AS INTEGER) % 2 = 0 THEN 'F' ELSE 'M' END"


def icd10_fast_sql(code: str) -> str:
    """SQL: the normalised ICD-10 code, or NULL when `code` is outside the twin's domain (then only normalise()
    knows). `code` may be any expression or lambda variable.

    Once '.', ' ', '*' and '+' are removed, a well-formed code is plain ASCII letters and digits, and for such
    input normalise() does exactly this. Anything else (malformed, '†', tabs, other scripts) is left to
    normalise()."""
    stripped = f"regexp_replace({code}, '[. *+]', '', 'g')"
    return f"(CASE WHEN regexp_full_match({code}, '{ICD_PLAIN}') THEN upper(replace({code}, '.', '')) " \
           f"WHEN regexp_full_match({stripped}, '{ICD_VALID_ANY_CASE}') THEN upper({stripped}) END)"


def icd10_table(con: duckdb.DuckDBPyConnection, table: str, values: str) -> None:
    """CREATE TABLE `table` (raw, value): each value of the one-column query `values` (column `raw`, distinct,
    not NULL) as normalise() gives it, '!' when malformed; normalise() itself runs only outside the domain."""

    def rule(text: str) -> str:
        try:
            return normalise(text)
        except ICD10Error:
            return INVALID

    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT raw, {icd10_fast_sql('raw')} AS value FROM ({values})")
    fallback(con, f"{table}_slow", f"SELECT raw FROM {table} WHERE value IS NULL", rule)
    con.execute(f"UPDATE {table} t SET value = s.result FROM {table}_slow s WHERE t.raw = s.raw; "
                f"DROP TABLE {table}_slow")


def secondary_raw_sql(field: str) -> str:
    """The secondary diagnoses field ('E11.9|N18.3'; ',' and ';' separate too) split into its elements as
    written; elements that are empty once '.', ' ', '*' and '+' are gone are dropped."""
    return f"list_filter(string_split_regex(coalesce({field}, ''), '[{SEPARATORS}]'), " \
           f"lambda x: regexp_replace(x, '[. *+]', '', 'g') <> '')"


def icd10_list_fast_sql(field: str) -> str:
    """SQL: secondary_raw_sql's elements normalised, for a field that holds only well-formed ASCII codes (one
    regex over the whole field); NULL for any other field (icd10_list_table looks at those element by element)."""
    stripped = f"regexp_replace({field}, '[. *+]', '', 'g')"
    codes = f"[{SEPARATORS}]*({ICD_VALID_ANY_CASE}([{SEPARATORS}]+{ICD_VALID_ANY_CASE})*)?[{SEPARATORS}]*"
    fast = f"list_filter(string_split_regex(upper({stripped}), '[{SEPARATORS}]'), lambda x: x <> '')"
    # The same for a field of plainly written codes (no ' ', '*', '+'), without the regexp_replace.
    plain_codes = f"[{SEPARATORS}]*({ICD_PLAIN}([{SEPARATORS}]+{ICD_PLAIN})*)?[{SEPARATORS}]*"
    plain = f"list_filter(string_split_regex(upper(replace({field}, '.', '')), '[{SEPARATORS}]'), lambda x: x <> '')"
    return f"(CASE WHEN regexp_full_match({field}, '{plain_codes}') THEN {plain} " \
           f"WHEN regexp_full_match({stripped}, '{codes}') THEN {fast} END)"


def icd10_list_table(con: duckdb.DuckDBPyConnection, table: str, values: str) -> None:
    """CREATE TABLE `table` (raw, value): each field of the one-column query `values` (column `raw`, distinct,
    not NULL) as the list of its elements (secondary_raw_sql) normalised, '!' for each malformed one. Fields
    outside the fast path are split, and each distinct element goes through icd10_table."""
    con.execute(f"""
        CREATE OR REPLACE TABLE {table} AS SELECT raw, {icd10_list_fast_sql('raw')} AS value FROM ({values});
        CREATE OR REPLACE TABLE {table}_elements AS
        SELECT raw, unnest(e) AS element, generate_subscripts(e, 1) AS i
        FROM (SELECT raw, {secondary_raw_sql('raw')} AS e FROM {table} WHERE value IS NULL)
    """)
    icd10_table(con, f"{table}_codes", f"SELECT DISTINCT element AS raw FROM {table}_elements")
    con.execute(f"""
        UPDATE {table} t SET value = s.value
        FROM (SELECT e.raw, list(c.value ORDER BY e.i) AS value
              FROM {table}_elements e JOIN {table}_codes c ON c.raw = e.element GROUP BY e.raw) s
        WHERE t.raw = s.raw;
        UPDATE {table} SET value = [] WHERE value IS NULL;
        DROP TABLE {table}_elements; DROP TABLE {table}_codes
    """)


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys (RFC 2104), for writing HMAC-SHA256 as two sha256 calls."""
    secret = key.encode()
    if len(secret) > 64:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in secret), bytes(b ^ 0x5C for b in secret)


def pseudonym_sql(canonical: str, key: str) -> str:
    """SQL: nara.identify.pseudonym.pseudonym(canonical, key), with the padded keys inlined as blob literals."""
    inner, outer = (_blob(pad) for pad in hmac_pads(key))
    return f"left(sha256({outer} || unhex(sha256({inner} || encode({canonical})))), {LENGTH})"


def _blob(data: bytes) -> str:
    return "unhex('" + data.hex() + "')"
