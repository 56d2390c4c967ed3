"""Validate every row of `src` in SQL and build the rows for the lake.

Creates, in the import's DuckDB connection:
- `errors(_rad, falt, orsak, varde)`: one row per problem, Swedish reason; `varde` is the offending value except
  for personnummer (never shown) and values that look like one;
- `incoming`: the valid rows with the lake's columns (nara.identify.schema), keyed by pseudonym;
- `persons(personnummer, pseudonym)`: the canonical personnummer behind each pseudonym of `incoming`, for the
  re-identification keys (it never leaves the operational side).
Each check is one set-based query; Python runs only for the few values outside the SQL rules' domains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
from django.utils.translation import gettext as _

from nara.identify import schema
from nara.identify.importing import contract, rules
from nara.identify.lake import sql_literal, typed_select

TIMESTAMP_SHAPE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?"
HSA_SHAPE = "SE[0-9]{6,12}-[0-9A-Za-z]{1,31}"
MUNICIPALITY_SHAPE = "[0-9]{4}"
# A value is hidden from the report when it holds something shaped like a personnummer (a shifted column).
# HSA-ids hold a 10-digit organisation number right after "SE", hence the letter check before the digits.
PNR_LOOKALIKE = "(^|[^0-9A-Za-z])([0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}([^0-9]|$)"


@dataclass
class Outcome:
    rows_valid: int
    rows_rejected: int
    errors: int


def timestamp_sql(text: str) -> str:
    return f"(CASE WHEN regexp_full_match({text}, '{TIMESTAMP_SHAPE}') THEN try_cast({text} AS TIMESTAMP) END)"


def code_sql(text: str, words: dict) -> str:
    """Map accepted words (case and å/ä/ö-insensitive) to their code; NULL when unknown."""
    cases = " ".join(f"WHEN {sql_literal(word)} THEN {_literal(code)}" for word, code in sorted(words.items()))
    return f"(CASE lower({text}) {cases} END)"


def _literal(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else sql_literal(value)


class Checks:
    """Collects (field, condition, reason, value) checks on `typed` and evaluates them all in one scan: a row is
    looked at closely only when one of the conditions holds, so a clean file costs one pass of boolean tests."""

    def __init__(self, kind: str):
        self.kind = kind
        self.row_checks: list[tuple[str, str, str, str]] = []
        self.parts: list[str] = ["SELECT _rad, falt, orsak, varde FROM src_errors"]  # other error sources

    def add(self, field: str, bad: str, reason: str, value: str | None = None, reason_is_sql: bool = False) -> None:
        reason_sql = reason if reason_is_sql else sql_literal(reason)
        self.row_checks.append((field, f"({bad})", reason_sql, f"CAST({value or 'NULL'} AS VARCHAR)"))

    def add_query(self, sql: str) -> None:
        """A check that is not a per-row condition (duplicates, list elements): a query of error rows."""
        self.parts.append(sql)

    def required(self, field: str) -> None:
        self.add(field, f"{field} IS NULL", _("Värde saknas."))

    def sql(self) -> str:
        order = {c: i for i, c in enumerate(contract.COLUMNS[self.kind])}
        position = " ".join(f"WHEN {sql_literal(c)} THEN {i}" for c, i in order.items())
        found = ", ".join(
            f"CASE WHEN {bad} THEN {{'falt': {sql_literal(field)}, 'orsak': {reason}, 'varde': {value}}} END"
            for field, bad, reason, value in self.row_checks
        )
        any_bad = " OR ".join(bad for _field, bad, _reason, _value in self.row_checks)
        row_errors = f"""
            SELECT _rad, e.falt, e.orsak, e.varde FROM (
                SELECT _rad, unnest(list_filter([{found}], lambda x: x IS NOT NULL)) AS e FROM typed WHERE {any_bad}
            )"""
        union = " UNION ALL ".join([row_errors, *self.parts])
        hidden = sql_literal(_("(dolt: liknar ett personnummer)"))
        return f"""
            CREATE OR REPLACE TABLE errors AS
            SELECT _rad, falt, orsak,
                   CASE WHEN regexp_matches(varde, '{PNR_LOOKALIKE}') THEN {hidden} ELSE left(varde, 80) END AS varde
            FROM ({union})
            ORDER BY _rad, CASE falt {position} ELSE -1 END, orsak
        """


def _date_checks(checks: Checks, field: str, parsed: str, today: dt.date, *, future_ok=False) -> None:
    checks.add(field, f"{field} IS NOT NULL AND {parsed} IS NULL",
               _("Ogiltigt datum (skriv ÅÅÅÅ-MM-DD, t.ex. 2026-11-22)."), field)
    if not future_ok:
        checks.add(field, f"{parsed} > DATE '{today.isoformat()}'", _("Datumet ligger i framtiden."), field)


def _timestamp_checks(checks: Checks, field: str, parsed: str, now: dt.datetime) -> None:
    checks.add(field, f"{field} IS NOT NULL AND {parsed} IS NULL",
               _("Ogiltig tidpunkt (skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-11-22 14:05)."), field)
    checks.add(field, f"{parsed} > TIMESTAMP '{now.isoformat(sep=' ', timespec='seconds')}'",
               _("Tidpunkten ligger i framtiden."), field)


def _code_check(checks: Checks, field: str, parsed: str, reason: str) -> None:
    checks.add(field, f"{field} IS NOT NULL AND {parsed} IS NULL", reason, field)


def _allowed(codes: dict[str, str]) -> str:
    return ", ".join(codes.values())


def _personnummer_checks(checks: Checks) -> None:
    checks.required("personnummer")
    prefix = sql_literal(_("Ogiltigt personnummer: "))
    checks.add("personnummer", f"starts_with(pnr, '{rules.INVALID}')", f"({prefix} || substr(pnr, 2))", reason_is_sql=True)


def _duplicates(checks: Checks, source: str, key: list[str], field: str, reason: str, value: str | None) -> None:
    """Within one file a key may occur once; later occurrences are refused and name the first one's row."""
    cols = ", ".join(key)
    present = " AND ".join(f"{k} IS NOT NULL" for k in key)
    checks.add_query(f"""
        SELECT t._rad, {sql_literal(field)}, replace({sql_literal(reason)}, '%(rad)s', CAST(d.first AS VARCHAR)),
               CAST({value or 'NULL'} AS VARCHAR)
        FROM {source} t JOIN (SELECT {cols}, min(_rad) AS first FROM {source} WHERE {present}
                              GROUP BY ALL HAVING count(*) > 1) d USING ({cols})
        WHERE t._rad > d.first
    """)


def _prepare_personnummer(con, today: dt.date) -> None:
    values = "SELECT DISTINCT personnummer AS raw FROM src WHERE personnummer IS NOT NULL"
    con.execute(f"CREATE OR REPLACE TABLE pnr AS {rules.personnummer_sql(values, today)}")


def validate(con: duckdb.DuckDBPyConnection, kind: str, *, today: dt.date, now: dt.datetime) -> None:
    """Create `typed` and `errors` (see the module docstring). The connection must have rules.register()."""
    _prepare_personnummer(con, today)
    checks = Checks(kind)
    if kind == contract.POPULATION:
        _validate_population(con, checks, today)
    else:
        _validate_encounters(con, checks, today, now)
    con.execute(checks.sql())


def _validate_population(con, checks: Checks, today: dt.date) -> None:
    valid = f"NOT starts_with(p.result, '{rules.INVALID}')"
    con.execute(f"""
        CREATE OR REPLACE VIEW typed AS
        SELECT s.*, p.result AS pnr,
               CASE WHEN {valid} THEN {rules.birth_date_sql('p.result')} END AS birth,
               CASE WHEN {valid} THEN {rules.sex_sql('p.result')} END AS sex,
               CAST({timestamp_sql('fodelsedatum')} AS DATE) AS stated_birth,
               {code_sql('kon', contract.SEX)} AS stated_sex,
               CAST({timestamp_sql('dodsdatum')} AS DATE) AS death,
               CAST({timestamp_sql('uttagsdatum')} AS DATE) AS extracted,
               CASE WHEN {valid} THEN p.result END AS canonical
        FROM src s LEFT JOIN pnr p ON p.raw = s.personnummer
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
    _date_checks(checks, "dodsdatum", "death", today)
    checks.add("dodsdatum", "death < birth", _("Dödsdatumet är före födelsedatumet."), "dodsdatum")
    _date_checks(checks, "uttagsdatum", "extracted", today)
    valid_persons = f"(SELECT _rad, result AS canonical FROM src JOIN pnr ON raw = personnummer " \
                    f"WHERE NOT starts_with(result, '{rules.INVALID}'))"
    _duplicates(checks, valid_persons, ["canonical"], "personnummer", _("Personen finns redan på rad %(rad)s i filen."), None)


def _validate_encounters(con, checks: Checks, today: dt.date, now: dt.datetime) -> None:
    con.execute(f"""
        CREATE OR REPLACE VIEW typed AS
        SELECT s.*, p.result AS pnr,
               CASE WHEN NOT starts_with(p.result, '{rules.INVALID}') THEN p.result END AS canonical,
               {code_sql('vardtyp', contract.CARE_TYPES)} AS care_type,
               {code_sql('kontaktform', contract.CONTACT_FORMS)} AS contact_form,
               {timestamp_sql('start')} AS start_at,
               {timestamp_sql('slut')} AS end_at,
               {code_sql('planerad', contract.PLANNED)} AS planned,
               {rules.icd10_sql('huvuddiagnos')} AS main_diagnosis,
               {rules.icd10_list_sql('bidiagnoser')} AS secondary_diagnoses,
               {code_sql('utskrivning_till', contract.DISPOSITIONS)} AS discharge_disposition,
               {timestamp_sql('andrad')} AS version_at
        FROM src s LEFT JOIN pnr p ON p.raw = s.personnummer
    """)
    for field in ("kallsystem", "kontakt_id"):
        checks.required(field)
    _personnummer_checks(checks)
    checks.required("enhet_hsaid")
    checks.add("enhet_hsaid", f"NOT regexp_full_match(enhet_hsaid, '{HSA_SHAPE}')",
               _("Ogiltigt HSA-id (t.ex. SE2321000131-E000000000001)."), "enhet_hsaid")
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
    checks.add_query(f"""
        SELECT _rad, 'bidiagnoser', {sql_literal(icd_reason)}, raw FROM (
            SELECT _rad, unnest({rules.secondary_raw_sql('bidiagnoser')}) AS raw, unnest(secondary_diagnoses) AS code
            FROM typed WHERE list_contains(secondary_diagnoses, '{rules.INVALID}'))
        WHERE code = '{rules.INVALID}'""")
    _code_check(checks, "utskrivning_till", "discharge_disposition",
                _("Okänt värde för utskrivning till. Tillåtna: %(words)s.") % {"words": _allowed(schema.DISPOSITIONS)})
    _timestamp_checks(checks, "andrad", "version_at", now)
    _duplicates(checks, "src", ["kallsystem", "kontakt_id"], "kontakt_id",
                _("Vårdkontakten finns redan på rad %(rad)s i filen."), "kontakt_id")


def build_incoming(con: duckdb.DuckDBPyConnection, kind: str, *, key: str, extract_date: dt.date) -> Outcome:
    """Create `persons` and `incoming` from the rows without errors; pseudonyms are computed once per person."""
    con.execute("""
        CREATE OR REPLACE TEMP VIEW good AS
        SELECT * FROM typed t WHERE NOT EXISTS (SELECT 1 FROM errors e WHERE e._rad = t._rad)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE persons AS
        SELECT canonical AS personnummer, {rules.pseudonym_sql('canonical', key)} AS pseudonym
        FROM (SELECT DISTINCT canonical FROM good)
    """)
    extract_sql = f"DATE '{extract_date.isoformat()}'"
    if kind == contract.POPULATION:
        select = f"""
            SELECT p.pseudonym, birth AS birth_date, sex, kommunkod AS municipality_code,
                   listad_enhet_hsaid AS listed_unit_hsa, death AS date_of_death,
                   coalesce(extracted, {extract_sql}) AS extract_date
            FROM good g JOIN persons p ON p.personnummer = g.canonical
        """
    else:
        select = f"""
            SELECT kallsystem AS source_system, kontakt_id AS encounter_id, p.pseudonym, enhet_hsaid AS unit_hsa,
                   care_type, contact_form, lower(yrke) AS profession, start_at, end_at, planned, main_diagnosis,
                   secondary_diagnoses, discharge_disposition,
                   coalesce(version_at, CAST({extract_sql} AS TIMESTAMP)) AS version_at
            FROM good g JOIN persons p ON p.personnummer = g.canonical
        """
    columns = schema.POPULATION if kind == contract.POPULATION else schema.ENCOUNTERS
    con.execute(f"CREATE OR REPLACE TABLE incoming AS {typed_select(columns, f'({select})')}")
    valid = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
    rejected = con.execute("SELECT count(DISTINCT _rad) FROM errors").fetchone()[0]
    errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
    return Outcome(valid, rejected, errors)
