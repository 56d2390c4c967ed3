"""Validate every row of `src` in SQL and build the rows for the lake.

Creates, in the import's DuckDB connection:
- `checked`: every row's typed values, computed once (the view `typed` names them), and `_bad`, whether any
  per-row check failed; the lake's rows and the error messages are both derived from it. For encounters the
  low-cardinality text columns (source system, unit, codes, diagnoses) are checked and normalised once per
  distinct value, in dictionaries `d_<column>(key, raw, value, bad, e)`, and `checked` holds `e`, the value as a
  small ENUM: a region's 30 M rows then fit in memory (~80 bytes a row) and each lake bucket is cut from it
  cheaply;
- `errors(_rad, falt, orsak, varde)`: one row per problem, Swedish reason; `varde` is the offending value except
  for personnummer (never shown) and values that look like one. A personnummer belongs in its column only (it is
  pseudonymised there): a value the lake would store as written (free text, the encounter's id, an HSA-id) that
  holds something shaped like one refuses its row;
- `incoming` (a view): the valid rows with the lake's columns (nara.identify.schema), keyed by pseudonym;
- `persons(pid, personnummer, pseudonym, bucket)`: the canonical personnummer behind each pseudonym of
  `incoming`, for the re-identification keys (it never leaves the operational side). `pid` numbers persons in
  pseudonym order, so each lake bucket (a range of pseudonyms) is a range of pid.
Each check is one set-based query; Python runs only for the few values outside the SQL rules' domains.
Personnummer are parsed, and pseudonyms computed, once per distinct value, not once per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
from django.utils.translation import gettext as _

from nara.identify import lake, schema
from nara.identify.importing import contract, rules, sources
from nara.identify.lake import sql_literal, typed_select

HSA_SHAPE = "SE[0-9]{6,12}-[0-9A-Za-z]{1,31}"
MUNICIPALITY_SHAPE = "[0-9]{4}"
HSA_FIELDS = ("enhet_hsaid", "listad_enhet_hsaid")  # checked with rules.pnr_in_hsa_id_sql, the rest pnr_in_text_sql


@dataclass
class Outcome:
    rows_valid: int
    rows_rejected: int
    errors: int


def code_sql(text: str, words: dict) -> str:
    """Map accepted words (case and å/ä/ö-insensitive) to their code; NULL when unknown."""
    cases = " ".join(f"WHEN {sql_literal(word)} THEN {_literal(code)}" for word, code in sorted(words.items()))
    return f"(CASE lower({text}) {cases} END)"


def _literal(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else sql_literal(value)


class Checks:
    """Collects (field, condition, reason, value) checks on `typed` and runs them (see `run`)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.row_checks: list[tuple[str, str, str, str]] = []
        self.flags: list[str] = []  # conditions that mark a row for a closer look by a query in `bad_parts`
        self.bad_parts: list[str] = []  # queries of error rows over `bad_typed` (the marked rows only)
        self.duplicate: tuple[str, str] | None = None  # (key expression over `typed`, query of error rows)

    def add(self, field: str, bad: str, reason: str, value: str | None = None, reason_is_sql: bool = False) -> None:
        reason_sql = reason if reason_is_sql else sql_literal(reason)
        self.row_checks.append((field, f"({bad})", reason_sql, f"CAST({value or 'NULL'} AS VARCHAR)"))

    def add_marked_query(self, flag: str, sql: str) -> None:
        """A check that is not one error per row (list elements): rows where `flag` holds are marked, and `sql`
        (a query of error rows over `bad_typed`, the marked rows) names the errors."""
        self.flags.append(f"({flag})")
        self.bad_parts.append(sql)

    def required(self, field: str) -> None:
        present = f"{field}__present" if field in sources.TEMPORAL else f"{field} IS NOT NULL"
        self.add(field, f"NOT ({present})", _("Värde saknas."))

    def run(self, con: duckdb.DuckDBPyConnection, output: str) -> None:
        """Create `checked` (`_rad`, the `output` columns of `typed`, `_bad`) in one scan of `typed`, then
        `errors`. Every typed value is computed once, here; `errors` looks again only at the rows marked bad and
        at the candidates for duplicates, so a clean file costs one pass."""
        any_bad = " OR ".join([*(bad for _field, bad, _reason, _value in self.row_checks), *self.flags])
        con.execute(f"""
            CREATE OR REPLACE TABLE checked AS
            SELECT _rad, {output}, coalesce({any_bad}, false) AS _bad FROM typed
        """)
        parts = ["SELECT _rad, falt, orsak, varde FROM src_errors"]  # rows that could not even be read
        if con.execute("SELECT count(*) FROM checked WHERE _bad").fetchone()[0]:
            con.execute("CREATE OR REPLACE TABLE bad_typed AS "
                        "SELECT * FROM typed WHERE _rad IN (SELECT _rad FROM checked WHERE _bad)")
            found = ", ".join(
                f"CASE WHEN {bad} THEN {{'falt': {sql_literal(field)}, 'orsak': {reason}, 'varde': {value}}} END"
                for field, bad, reason, value in self.row_checks
            )
            parts.append(f"""
                SELECT _rad, e.falt, e.orsak, e.varde FROM (
                    SELECT _rad, unnest(list_filter([{found}], lambda x: x IS NOT NULL)) AS e FROM bad_typed
                )""")
            parts += self.bad_parts
        if self.duplicate:
            # Candidates by the key's value (a hash for text keys; the query checks the real key). Sorting the
            # 8-byte values and comparing neighbours costs far less than grouping millions of distinct keys.
            key = self.duplicate[0]
            con.execute(f"""
                CREATE OR REPLACE TABLE duplicate_keys AS
                SELECT DISTINCT d FROM (SELECT d, lag(d) OVER (ORDER BY d) AS previous
                                        FROM (SELECT {key} AS d FROM checked) WHERE d IS NOT NULL)
                WHERE d = previous
            """)
            if con.execute("SELECT count(*) FROM duplicate_keys").fetchone()[0]:
                con.execute(f"""
                    CREATE OR REPLACE TABLE duplicate_rows AS
                    SELECT _rad, {key} AS _dup FROM checked WHERE {key} IN (SELECT d FROM duplicate_keys)
                """)
                parts.append(self.duplicate[1])
        order = {c: i for i, c in enumerate(contract.COLUMNS[self.kind])}
        position = " ".join(f"WHEN {sql_literal(c)} THEN {i}" for c, i in order.items())
        hidden = sql_literal(_("(dolt: liknar ett personnummer)"))
        # A value is never shown when it holds something shaped like a personnummer (a shifted column, or one of
        # the refused values): the same rules as the checks, so every refused value is hidden.
        hsa = ", ".join(sql_literal(f) for f in HSA_FIELDS)
        looks = f"CASE WHEN falt IN ({hsa}) THEN {rules.pnr_in_hsa_id_sql('varde')} " \
                f"ELSE {rules.pnr_in_text_sql('varde')} END"
        con.execute("SET preserve_insertion_order = true")  # the table keeps the ORDER BY: file order
        con.execute(f"""
            CREATE OR REPLACE TABLE errors AS
            SELECT _rad, falt, orsak,
                   CASE WHEN {looks} THEN {hidden} ELSE left(varde, 80) END AS varde
            FROM ({" UNION ALL ".join(parts)})
            ORDER BY _rad, CASE falt {position} ELSE -1 END, orsak
        """)
        con.execute("SET preserve_insertion_order = false")


def _date_checks(checks: Checks, field: str, parsed: str, today: dt.date, *, future_ok=False) -> None:
    checks.add(field, f"{field}__present AND {parsed} IS NULL",
               _("Ogiltigt datum (skriv ÅÅÅÅ-MM-DD, t.ex. 2026-11-22)."), field)
    if not future_ok:
        checks.add(field, f"{parsed} > DATE '{today.isoformat()}'", _("Datumet ligger i framtiden."), field)


def _timestamp_checks(checks: Checks, field: str, parsed: str, now: dt.datetime) -> None:
    checks.add(field, f"{field}__present AND {parsed} IS NULL",
               _("Ogiltig tidpunkt (skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-11-22 14:05)."), field)
    checks.add(field, f"{parsed} > TIMESTAMP '{now.isoformat(sep=' ', timespec='seconds')}'",
               _("Tidpunkten ligger i framtiden."), field)


def _code_check(checks: Checks, field: str, parsed: str, reason: str) -> None:
    checks.add(field, f"{field} IS NOT NULL AND {parsed} IS NULL", reason, field)


def _allowed(codes: dict[str, str]) -> str:
    return ", ".join(codes.values())


def _no_personnummer(checks: Checks, field: str, looks: str) -> None:
    """Refuse the row when `looks` (SQL: the field holds something shaped like a personnummer) holds. The value
    goes into the report as hidden, as every value that looks like one."""
    checks.add(field, looks, _("Värdet innehåller något som liknar ett personnummer. Personnummer får bara stå i "
                               "kolumnen personnummer (som pseudonymiseras); ta bort det ur det här fältet."), field)


def _personnummer_checks(checks: Checks) -> None:
    checks.required("personnummer")
    prefix = sql_literal(_("Ogiltigt personnummer: "))
    checks.add("personnummer", f"starts_with(pnr, '{rules.INVALID}')", f"({prefix} || substr(pnr, 2))", reason_is_sql=True)


def _duplicates(checks: Checks, key: str, source: str, columns: list[str], field: str, reason: str,
                value: str | None) -> None:
    """Within one file a key may occur once; later occurrences are refused and name the first one's row.
    `key` (over `typed`) finds the candidates; `source` (with `_rad` and `columns`) is read for those rows only."""
    cols = ", ".join(columns)
    present = " AND ".join(f"{k} IS NOT NULL" for k in columns)
    rows = f"(SELECT * FROM {source} WHERE _rad IN (SELECT _rad FROM duplicate_rows))"
    checks.duplicate = (key, f"""
        SELECT t._rad, {sql_literal(field)}, replace({sql_literal(reason)}, '%(rad)s', CAST(d.first AS VARCHAR)),
               CAST({value or 'NULL'} AS VARCHAR)
        FROM {rows} t JOIN (SELECT {cols}, min(_rad) AS first FROM {rows} WHERE {present}
                            GROUP BY ALL HAVING count(*) > 1) d USING ({cols})
        WHERE t._rad > d.first
    """)


def _prepare_personnummer(con, today: dt.date, key: str, *, enum: bool = False) -> None:
    """`pnr`: each distinct personnummer as written (`key`; `raw` trimmed) → `result` (canonical or '!' + reason)
    and `pid`, a number per valid canonical personnummer (`canon`, with its pseudonym), which the rows carry
    instead of the text.
    pid is the pseudonym's position in sorted order (from 0), the order of the lake's files. With `enum`, also
    `pe`: the pseudonym as the ENUM type nara_pseudonym (same positions), so the lake's text is a cast away."""
    _distinct_values(con, ["personnummer", *(DICTIONARIES if enum else ())])
    con.execute("CREATE OR REPLACE TABLE pnr_values AS "
                "SELECT key, nullif(trim(key), '') AS raw FROM (SELECT unnest(personnummer) AS key FROM distinct_values)")
    values = "SELECT DISTINCT raw FROM pnr_values WHERE raw IS NOT NULL"
    rules.personnummer_table(con, "pnr_raw", values, today)
    con.execute(f"""
        CREATE OR REPLACE TABLE canon AS
        SELECT CAST(dense_rank() OVER (ORDER BY pseudonym) - 1 AS INTEGER) AS pid, canonical, pseudonym
        FROM (SELECT canonical, {rules.pseudonym_sql('canonical', key)} AS pseudonym
              FROM (SELECT DISTINCT result AS canonical FROM pnr_raw WHERE NOT starts_with(result, '{rules.INVALID}')))
    """)
    pe = ""
    if enum:
        con.execute("DROP TYPE IF EXISTS nara_pseudonym")
        # canon has one row per pseudonym (distinct personnummer, distinct HMACs), pid in pseudonym order.
        con.execute("CREATE TYPE nara_pseudonym AS ENUM (SELECT pseudonym FROM canon ORDER BY pid)")
        pe = ", CAST(c.pseudonym AS nara_pseudonym) AS pe"
    con.execute(f"""
        CREATE OR REPLACE TABLE pnr AS
        SELECT v.key, v.raw, r.result, c.pid{pe}
        FROM pnr_values v LEFT JOIN pnr_raw r USING (raw) LEFT JOIN canon c ON c.canonical = r.result
    """)


def _distinct_values(con, columns: list[str]) -> None:
    """`distinct_values`: one row, for each column the list of the distinct non-NULL values of `src.<column>__raw`
    (as the file holds them, not trimmed), from one scan (a CSV's text is read once for all of them)."""
    lists = ", ".join(f"list(DISTINCT {c}__raw) FILTER (WHERE {c}__raw IS NOT NULL) AS {c}" for c in columns)
    con.execute(f"CREATE OR REPLACE TABLE distinct_values AS SELECT {lists} FROM src")


def _dictionary(con, column: str, derived: dict[str, str], *, enum: str | None = None) -> None:
    """`d_<column>(key, raw, <derived>)`: each distinct non-NULL value of `src.<column>__raw` once (`key`, from
    `distinct_values`), `raw` its text as `src.<column>` has it (trimmed, '' → NULL), and the `derived` SQL
    expressions over `raw` (normalised value, check results), computed once per value instead of once per row.
    With `enum` (an SQL expression over those columns), also `e`: its value as the ENUM type nara_<column> of its
    distinct values (in sorted order), which is what `checked` keeps. A column in NORMALISED has its values
    normalised first, into a table the `derived` expressions read as `n` (n.value)."""
    extra = "".join(f", {expr} AS {name}" for name, expr in derived.items())
    table = "d_base" if enum else f"d_{column}"
    values = f"SELECT key, nullif(trim(key), '') AS raw FROM (SELECT unnest({column}) AS key FROM distinct_values)"
    source = f"({values})"
    if column in NORMALISED:
        con.execute(f"CREATE OR REPLACE TABLE v_{column} AS {values}")
        NORMALISED[column](con, f"n_{column}", f"SELECT DISTINCT raw FROM v_{column} WHERE raw IS NOT NULL")
        source = f"v_{column} LEFT JOIN n_{column} n USING (raw)"
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT key, raw{extra} FROM {source}")
    if column in NORMALISED:
        con.execute(f"DROP TABLE v_{column}; DROP TABLE n_{column}")
    if enum:
        con.execute(f"DROP TYPE IF EXISTS nara_{column}")
        con.execute(f"CREATE TYPE nara_{column} AS ENUM "
                    f"(SELECT DISTINCT v FROM (SELECT {enum} AS v FROM d_base) WHERE v IS NOT NULL ORDER BY v)")
        con.execute(f"CREATE OR REPLACE TABLE d_{column} AS "
                    f"SELECT *, CAST({enum} AS nara_{column}) AS e FROM d_base")
        con.execute("DROP TABLE d_base")


def validate(con: duckdb.DuckDBPyConnection, kind: str, *, today: dt.date, now: dt.datetime, key: str) -> None:
    """Create `checked` and `errors` (see the module docstring)."""
    _prepare_personnummer(con, today, key, enum=kind == contract.ENCOUNTERS)
    checks = Checks(kind)
    if kind == contract.POPULATION:
        output = _validate_population(con, checks, today)
    else:
        output = _validate_encounters(con, checks, today, now)
    checks.run(con, output)


def _validate_population(con, checks: Checks, today: dt.date) -> None:
    valid = f"NOT starts_with(p.result, '{rules.INVALID}')"
    columns, source = _src_joined([])
    con.execute(f"""
        CREATE OR REPLACE VIEW typed AS
        SELECT {columns}, p.result AS pnr, p.pid,
               CASE WHEN {valid} THEN {rules.birth_date_sql('p.result')} END AS birth,
               CASE WHEN {valid} THEN {rules.sex_sql('p.result')} END AS sex,
               CAST(fodelsedatum__ts AS DATE) AS stated_birth,
               {code_sql('kon', contract.SEX)} AS stated_sex,
               CAST(dodsdatum__ts AS DATE) AS death,
               CAST(uttagsdatum__ts AS DATE) AS extracted,
               CASE WHEN {valid} THEN p.result END AS canonical
        FROM {source}
    """)
    _personnummer_checks(checks)
    _date_checks(checks, "fodelsedatum", "stated_birth", today)
    checks.add("fodelsedatum", "stated_birth <> birth", _("Födelsedatumet stämmer inte med personnumret."),
               "fodelsedatum")
    _code_check(checks, "kon", "stated_sex", _("Okänt kön (använd K eller M)."))
    checks.add("kon", "stated_sex <> sex", _("Könet stämmer inte med personnumret."), "kon")
    checks.required("kommunkod")
    checks.add("kommunkod", f"NOT regexp_full_match(kommunkod, '{MUNICIPALITY_SHAPE}')",
               _("Ogiltig kommunkod (fyra siffror, t.ex. 1463)."), "kommunkod")
    checks.add("listad_enhet_hsaid", f"NOT regexp_full_match(listad_enhet_hsaid, '{HSA_SHAPE}')",
               _("Ogiltigt HSA-id (t.ex. SE2321000131-E000000000001)."), "listad_enhet_hsaid")
    _no_personnummer(checks, "listad_enhet_hsaid", rules.pnr_in_hsa_id_sql("listad_enhet_hsaid"))
    _date_checks(checks, "dodsdatum", "death", today)
    checks.add("dodsdatum", "death < birth", _("Dödsdatumet är före födelsedatumet."), "dodsdatum")
    _date_checks(checks, "uttagsdatum", "extracted", today)
    # pid is the canonical personnummer's number: the candidates are the exact duplicates.
    _duplicates(checks, "pid", "(SELECT _rad, _dup AS pid FROM duplicate_rows)", ["pid"], "personnummer",
                _("Personen finns redan på rad %(rad)s i filen."), None)
    return ("pid, birth AS birth_date, sex, kommunkod AS municipality_code, listad_enhet_hsaid AS listed_unit_hsa, "
            "death AS date_of_death, extracted")


# Encounter columns checked and normalised once per distinct value: column → (what `checked` keeps,
# {derived name: SQL over `raw`}). What it keeps is an SQL expression over the dictionary whose distinct values
# make the ENUM type nara_<column> (1–2 bytes a row; the lake's text is a cast away), or None: the derived
# `value` itself (a BOOLEAN). Secondary diagnoses are kept as their normalised codes joined by '|' (a code is
# letters and digits only, so the list comes back by splitting).
DICTIONARIES = {
    "kallsystem": ("value", {"value": "raw", "pnr": rules.pnr_in_text_sql("raw")}),
    "enhet_hsaid": ("value", {"value": "raw", "bad": f"NOT regexp_full_match(raw, '{HSA_SHAPE}')",
                              "pnr": rules.pnr_in_hsa_id_sql("raw")}),
    "vardtyp": ("value", {"value": code_sql("raw", contract.CARE_TYPES)}),
    "kontaktform": ("value", {"value": code_sql("raw", contract.CONTACT_FORMS)}),
    "yrke": ("value", {"value": "lower(raw)", "pnr": rules.pnr_in_text_sql("raw")}),
    "planerad": (None, {"value": code_sql("raw", contract.PLANNED)}),
    "huvuddiagnos": ("value", {"value": "n.value"}),
    "bidiagnoser": ("array_to_string(value, '|')",
                    {"value": "coalesce(n.value, [])", "bad": f"list_contains(coalesce(n.value, []), '{rules.INVALID}')"}),
    "utskrivning_till": ("value", {"value": code_sql("raw", contract.DISPOSITIONS)}),
}
# Columns whose values a rules.*_table function normalises (SQL twin, Python for the rest) before the dictionary
# is built; their `derived` expressions read the result as n.value.
NORMALISED = {"huvuddiagnos": rules.icd10_table, "bidiagnoser": rules.icd10_list_table}
SECONDARY = "CAST(g.c_bidiagnoser AS VARCHAR)"
# The lake's encounter columns from `checked` (alias g; c_<column> as kept there): casts, no joins. The ENUMs are
# cast to text before the Parquet writer sees them: it writes an ENUM column faster, but with a dictionary that
# depends on which thread wrote which row group, so the same rows would not always give the same bytes.
ENCOUNTER_OUTPUT = {
    "source_system": "CAST(g.c_kallsystem AS VARCHAR)",
    "encounter_id": "g.encounter_id",
    "pseudonym": "CAST(g.pe AS VARCHAR)",
    "unit_hsa": "CAST(g.c_enhet_hsaid AS VARCHAR)",
    "care_type": "CAST(g.c_vardtyp AS VARCHAR)",
    "contact_form": "CAST(g.c_kontaktform AS VARCHAR)",
    "profession": "CAST(g.c_yrke AS VARCHAR)",
    "start_at": "g.start_at",
    "end_at": "g.end_at",
    "planned": "g.c_planerad",
    "main_diagnosis": "CAST(g.c_huvuddiagnos AS VARCHAR)",
    # No field, or no codes in it: an empty list.
    "secondary_diagnoses": f"CASE WHEN coalesce({SECONDARY}, '') = '' THEN [] ELSE string_split({SECONDARY}, '|') END",
    "discharge_disposition": "CAST(g.c_utskrivning_till AS VARCHAR)",
}


def _src_joined(columns) -> tuple[str, str]:
    """(`s.*` item, FROM clause) for `typed`: `src` (alias s) joined with `pnr` (alias p) and the dictionaries of
    `columns` (alias: the column's name) by the file's own text (`__raw`), with `personnummer` and those columns
    taken from the dictionaries' trimmed text, so the rows are not trimmed one by one."""
    replaced = ", ".join(["p.raw AS personnummer", *(f"{c}.raw AS {c}" for c in columns)])
    joins = "".join(f" LEFT JOIN d_{c} {c} ON {c}.key = s.{c}__raw" for c in columns)
    return f"s.* REPLACE ({replaced})", f"src s LEFT JOIN pnr p ON p.key = s.personnummer__raw{joins}"


def _validate_encounters(con, checks: Checks, today: dt.date, now: dt.datetime) -> None:
    for column, (kept, derived) in DICTIONARIES.items():
        _dictionary(con, column, derived, enum=kept)
    codes = ", ".join(f"{c}.{'e' if kept else 'value'} AS c_{c}" for c, (kept, _derived) in DICTIONARIES.items())
    # Columns the lake stores as written: checked for a personnummer once per distinct value (`pnr`).
    stored_as_written = [c for c, (_kept, derived) in DICTIONARIES.items() if "pnr" in derived]
    codes += "".join(f", {c}.pnr AS {c}_pnr" for c in stored_as_written)
    columns, source = _src_joined(list(DICTIONARIES))
    con.execute(f"""
        CREATE OR REPLACE VIEW typed AS
        SELECT {columns}, p.result AS pnr, p.pid, p.pe,
               CASE WHEN NOT starts_with(p.result, '{rules.INVALID}') THEN p.result END AS canonical,
               {codes},
               enhet_hsaid.bad AS enhet_hsaid_bad,
               vardtyp.value AS care_type,
               kontaktform.value AS contact_form,
               start__ts AS start_at,
               slut__ts AS end_at,
               planerad.value AS planned,
               huvuddiagnos.value AS main_diagnosis,
               coalesce(bidiagnoser.value, []) AS secondary_diagnoses,
               bidiagnoser.bad AS bidiagnoser_bad,
               utskrivning_till.value AS discharge_disposition,
               andrad__ts AS version_at
        FROM {source}
    """)
    for field in ("kallsystem", "kontakt_id"):
        checks.required(field)
    # The encounter's id is nearly unique per row, so it is checked per row (in SQL, in the one checking scan).
    _no_personnummer(checks, "kontakt_id", rules.pnr_in_text_sql("kontakt_id"))
    for field in stored_as_written:
        _no_personnummer(checks, field, f"{field}_pnr")
    _personnummer_checks(checks)
    checks.required("enhet_hsaid")
    checks.add("enhet_hsaid", "enhet_hsaid_bad", _("Ogiltigt HSA-id (t.ex. SE2321000131-E000000000001)."),
               "enhet_hsaid")
    checks.required("vardtyp")
    _code_check(checks, "vardtyp", "care_type",
                _("Okänd vårdtyp. Tillåtna: %(words)s.") % {"words": _allowed(schema.CARE_TYPES)})
    checks.required("kontaktform")
    _code_check(checks, "kontaktform", "contact_form",
                _("Okänd kontaktform. Tillåtna: %(words)s.") % {"words": _allowed(schema.CONTACT_FORMS)})
    checks.required("start")
    _timestamp_checks(checks, "start", "start_at", now)
    _timestamp_checks(checks, "slut", "end_at", now)
    checks.add("slut", "end_at < start_at", _("Sluttiden är före starttiden."), "slut")
    _code_check(checks, "planerad", "planned", _("Okänt värde för planerad (använd ja eller nej)."))
    icd_reason = _("Ogiltig ICD-10-kod (förväntat t.ex. I50.9 eller I509).")
    checks.add("huvuddiagnos", f"main_diagnosis = '{rules.INVALID}'", icd_reason, "huvuddiagnos")
    bad_element = f"list_contains(secondary_diagnoses, '{rules.INVALID}')"
    checks.add_marked_query("bidiagnoser_bad", f"""
        SELECT _rad, 'bidiagnoser', {sql_literal(icd_reason)}, raw FROM (
            SELECT _rad, unnest({rules.secondary_raw_sql('bidiagnoser')}) AS raw, unnest(secondary_diagnoses) AS code
            FROM bad_typed WHERE {bad_element})
        WHERE code = '{rules.INVALID}'""")
    _code_check(checks, "utskrivning_till", "discharge_disposition",
                _("Okänt värde för utskrivning till. Tillåtna: %(words)s.") % {"words": _allowed(schema.DISPOSITIONS)})
    _timestamp_checks(checks, "andrad", "version_at", now)
    # Over `checked`: c_kallsystem is NULL exactly when kallsystem is empty (one code per distinct value).
    _duplicates(checks, "CASE WHEN c_kallsystem IS NOT NULL AND encounter_id IS NOT NULL "
                        "THEN hash(c_kallsystem, encounter_id) END",
                "src", ["kallsystem", "kontakt_id"], "kontakt_id",
                _("Vårdkontakten finns redan på rad %(rad)s i filen."), "kontakt_id")
    return ("pid, pe, kontakt_id AS encounter_id, start_at, end_at, version_at, "
            + ", ".join(f"c_{c}" for c in DICTIONARIES))


@dataclass
class Incoming:
    """The valid rows for the lake: the view `incoming` (the schema's columns) and, per lake bucket, a query of
    its rows that reads only that bucket's range of pid from `checked` (for lake.Writer.merge)."""

    outcome: Outcome
    select: str  # the rows, with a {where} placeholder for a condition on `g` (checked)
    columns: dict[str, str]
    ranges: dict[int, tuple[int, int]]  # bucket → (first pid, last pid)
    order: str  # FILE_ORDER over `good` (alias g)

    def bucket_rows(self, bucket: int) -> str:
        """The rows of one lake bucket in the lake's file order (lake.FILE_ORDER: pid follows the pseudonym):
        only this bucket's range of pid is read from `checked`, and sorted while its rows are still small
        (codes); the text is cast from them afterwards, which keeps the order."""
        low, high = self.ranges.get(bucket, (0, -1))
        rows = self.select.format(where=f"g.pid BETWEEN {low} AND {high}", order=f"ORDER BY {self.order}")
        return typed_select(self.columns, "(" + rows + ")")


def build_incoming(con: duckdb.DuckDBPyConnection, kind: str, *, extract_date: dt.date) -> Incoming:
    """Create `persons` and the view `incoming` from the rows without errors (pseudonyms were computed once per
    person, in `canon`)."""
    errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
    rejected = con.execute("SELECT count(DISTINCT _rad) FROM errors").fetchone()[0] if errors else 0
    without_errors = " AND NOT EXISTS (SELECT 1 FROM errors e WHERE e._rad = c._rad)" if errors else ""
    table = "population" if kind == contract.POPULATION else "encounters"
    con.execute(f"CREATE OR REPLACE VIEW good AS SELECT * FROM checked c WHERE NOT _bad{without_errors}")
    bucket = lake.bucket_sql(table, "pseudonym")
    # Every valid personnummer of a file without bad rows belongs to a good row: no need to look.
    someone_bad = errors or con.execute("SELECT count(*) FROM checked WHERE _bad").fetchone()[0]
    only_good = " WHERE pid IN (SELECT pid FROM good)" if someone_bad else ""
    con.execute(f"""
        CREATE OR REPLACE TABLE persons AS
        SELECT pid, canonical AS personnummer, pseudonym, {bucket} AS bucket FROM canon{only_good}
    """)
    ranges = {b: (low, high) for b, low, high in con.execute(
        "SELECT bucket, min(pid), max(pid) FROM persons GROUP BY bucket").fetchall()}
    extract_sql = f"DATE '{extract_date.isoformat()}'"
    if kind == contract.POPULATION:
        select = f"""
            SELECT pid, p.pseudonym, birth_date, sex, municipality_code, listed_unit_hsa, date_of_death,
                   coalesce(extracted, {extract_sql}) AS extract_date
            FROM good g JOIN persons p USING (pid) WHERE {{where}} {{order}}
        """
    else:
        values = ", ".join(f"{expr} AS {name}" for name, expr in ENCOUNTER_OUTPUT.items())
        select = f"""
            SELECT {values}, coalesce(g.version_at, CAST({extract_sql} AS TIMESTAMP)) AS version_at
            FROM (SELECT * FROM good g WHERE {{where}} {{order}}) g
        """
    columns = schema.POPULATION if kind == contract.POPULATION else schema.ENCOUNTERS
    con.execute(f"CREATE OR REPLACE VIEW incoming AS "
                f"{typed_select(columns, '(' + select.format(where='true', order='') + ')')}")
    valid = con.execute("SELECT count(*) FROM good WHERE pid IS NOT NULL").fetchone()[0]
    # = pseudonym, source_system, encounter_id: an ENUM sorts by its values' positions, which are in text order.
    order = "g.pid" if table == "population" else "g.pid, g.c_kallsystem, g.encounter_id"
    return Incoming(Outcome(valid, rejected, errors), select, columns, ranges, order)
