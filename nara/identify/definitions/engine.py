"""The set-based risk engine: every definition's SQL run in DuckDB against `population` and `encounters`.

Input: any DuckDB connection with relations `population` and `encounters` shaped as nara/identify/schema.py
(the lake's views, or hand-made tables in tests). The engine adds temporary tables to that connection: the
reference lists, the base relations `persons` and `stays`, and `risk_results` (one row per person and definition
that gave the person a row). Nothing leaves DuckDB until the sorted Parquet file is written.

Two data scopes (docs/decisions.md, "Risk-list reasons and other organisations' data"). Each encounter's unit
HSA-id gives its organisation through `nara_unit_orgs` (unit HSA-id → organisation id, from the directory; the run
hands it over); a unit missing there is another organisation's, whose organisation nobody knows.
* scope "all": every encounter, as the definitions read.
* scope "own": only the encounters at units of the organisation of the person's listed unit. It is computed only
  for the persons flagged in "all" who have encounters elsewhere (`other_orgs` not empty or `unknown_units`); for
  everyone else it is the "all" scope, so the file holds no second copy, and a person whom all data together does
  not flag is on no list.
Each row carries the person's `other_orgs` (the other organisations holding encounters that start on or before
the reference date, sorted) and `unknown_units` (such encounters at units missing from the directory): what a
reader needs to decide, with the gate, which scope an actor may see.

Determinism: values are rounded to 2 decimals, HFRS points are exact decimals, the output is sorted by
(listed unit, pseudonym, scope, definition) and written with fixed Parquet options, so the same input gives a
byte-identical file.
"""

from __future__ import annotations

import os
import re
import string
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from nara.identify.definitions import loader, reference
from nara.identify.definitions.loader import Definition

RESULT_COLUMNS = (
    "pseudonym", "listed_unit_hsa", "municipality_code", "scope", "definition", "flagged", "value", "band", "reason",
    "other_orgs", "unknown_units",
)
ALL, OWN = "all", "own"


class EngineError(RuntimeError):
    pass


@dataclass(frozen=True)
class Counts:
    definitions: dict[str, dict[str, int]]  # id → {"flagged": n, "rows": n}, scope "all"
    persons_flagged: int  # scope "all"
    rows_written: int  # both scopes
    persons_with_other_data: int = 0  # flagged persons with encounters at another organisation or unknown unit
    own_persons_flagged: int = 0  # of those, flagged by their own organisation's data

    def as_dict(self) -> dict:
        return {
            "persons_flagged": self.persons_flagged,
            "rows": self.rows_written,
            "definitions": self.definitions,
            "own_scope": {"persons_with_other_data": self.persons_with_other_data,
                          "persons_flagged": self.own_persons_flagged},
        }


def _fail(what: str, exc: Exception) -> EngineError:
    return EngineError(f"{what}: {exc}")


def prepare(con: duckdb.DuckDBPyConnection, reference_date, base: list | None = None) -> None:
    """Reference tables and base relations for one reference date."""
    reference.register(con)
    build_base(con, reference_date, base)


def build_base(con: duckdb.DuckDBPyConnection, reference_date, base: list | None = None) -> None:
    """The base relations (persons, stays) over whatever `encounters` is at the moment."""
    for relation in base or loader.load_base():
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {relation.name} AS {relation.sql}",
                        {loader.REFERENCE_DATE: reference_date})
        except duckdb.Error as exc:
            raise _fail(f"Grundtabellen {relation.name}", exc) from exc


def _number_sql(expr: str, decimals: int) -> str:
    if decimals == 0:
        return f"CAST(CAST(round({expr}) AS BIGINT) AS VARCHAR)"
    return f"replace(printf('%.{decimals}f', {expr}), '.', ',')"


def _band_sql(definition: Definition, params: dict) -> str:
    """CASE over the value; thresholds and codes bound as parameters."""
    bands = definition.output.bands
    if not bands:
        return "CAST(NULL AS VARCHAR)"
    parts = ["CASE WHEN d.nara_value IS NULL THEN NULL"]
    for i, band in enumerate(bands):
        params[f"nara_band_{i}"] = band.code
        if band.below is not None:
            params[f"nara_limit_{i}"] = band.below
            parts.append(f"WHEN d.nara_value < $nara_limit_{i} THEN $nara_band_{i}")
        elif band.at_most is not None:
            params[f"nara_limit_{i}"] = band.at_most
            parts.append(f"WHEN d.nara_value <= $nara_limit_{i} THEN $nara_band_{i}")
        else:
            parts.append(f"ELSE $nara_band_{i}")
    return " ".join(parts) + " END"


def _reason_sql(definition: Definition, params: dict) -> str:
    """The reason: the singular template when the value is 1, else the plural one."""
    one, many = definition.output.reason_one, definition.output.reason
    if one == many:
        return _template_sql(definition, many, params, "many")
    return (f"CASE WHEN d.nara_value = 1 THEN {_template_sql(definition, one, params, 'one')} "
            f"ELSE {_template_sql(definition, many, params, 'many')} END")


def _template_sql(definition: Definition, template: str, params: dict, prefix: str) -> str:
    """A reason template as a SQL concat: literal text and band labels bound, never spliced into the SQL."""
    values = definition.params()
    pieces: list[str] = []
    text = ""

    def flush_text():
        nonlocal text
        if text:
            name = f"nara_text_{prefix}_{len(pieces)}"
            params[name] = text
            pieces.append(f"${name}")
            text = ""

    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        text += literal
        if field is None:
            continue
        if field in values:  # a parameter: a constant for this run
            text += loader.format_number(values[field])
            continue
        flush_text()
        if field == "value":
            pieces.append(f"COALESCE({_number_sql('d.nara_value', definition.output.decimals)}, '–')")
        elif field == "band":
            cases = []
            for i, band in enumerate(definition.output.bands):
                params[f"nara_label_{i}"] = band.label
                cases.append(f"WHEN $nara_band_{i} THEN $nara_label_{i}")
            pieces.append(f"COALESCE(CASE nara_band {' '.join(cases)} END, '–')")
        else:  # another output column of the definition's SQL (checked by DuckDB when it runs)
            pieces.append(f"COALESCE(replace(CAST(d.\"{field}\" AS VARCHAR), '.', ','), '–')")
    flush_text()
    return "concat(" + ", ".join(pieces or ["''"]) + ")"


def run_definition(con: duckdb.DuckDBPyConnection, definition: Definition, reference_date,
                   scope: str = ALL) -> None:
    """Append one definition's rows to risk_results (in `scope`: over the `encounters` the scope has set up)."""
    params = {k: v for k, v in definition.sql_params(reference_date).items()
              if k in loader.sql_placeholders(definition.sql)}
    params["nara_definition"] = definition.id
    params["nara_scope"] = scope
    band = _band_sql(definition, params)
    reason = _reason_sql(definition, params)
    sql = f"""
        INSERT INTO risk_results
        SELECT pseudonym, $nara_scope, $nara_definition, flagged, nara_value, nara_band, {reason}
        FROM (
            SELECT d.*, {band} AS nara_band
            FROM (
                SELECT CAST(q.pseudonym AS VARCHAR) AS pseudonym,
                       COALESCE(CAST(q.flagged AS BOOLEAN), FALSE) AS flagged,
                       round(CAST(q.value AS DOUBLE), 2) AS nara_value,
                       q.* EXCLUDE (pseudonym, flagged, value)
                FROM ({definition.sql}) AS q
            ) AS d
        ) AS d
    """
    try:
        con.execute(sql, params)
        duplicate = con.execute(
            "SELECT pseudonym FROM risk_results WHERE definition = $d AND scope = $s "
            "GROUP BY pseudonym HAVING count(*) > 1 LIMIT 1",
            {"d": definition.id, "s": scope},
        ).fetchone()
    except duckdb.Error as exc:
        raise _fail(f"Definitionen {definition.id}", exc) from exc
    if duplicate:
        raise EngineError(f"Definitionen {definition.id} gav flera rader för samma person.")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_encounters(con: duckdb.DuckDBPyConnection) -> str:
    """The given `encounters` by its full name, so that a scope can put a temporary table of that name over it."""
    database, schema = con.execute("SELECT current_database(), current_schema()").fetchone()
    return f"{_quote(database)}.{_quote(schema)}.encounters"


def _reads(sql: str, names) -> bool:
    """Whether a SQL text names one of the relations `names` (comments and string literals ignored)."""
    code = loader._SQL_STRING.sub("''", loader._SQL_COMMENT.sub("", sql))
    return any(re.search(rf"\b{re.escape(name)}\b", code, re.IGNORECASE) for name in names)


def register_units(con: duckdb.DuckDBPyConnection, units) -> None:
    """`nara_unit_orgs`: unit HSA-id → organisation id (the directory's units; the run hands them over)."""
    con.execute("CREATE OR REPLACE TEMP TABLE nara_unit_orgs (unit_hsa VARCHAR PRIMARY KEY, organisation_id BIGINT)")
    rows = sorted({(str(hsa), int(org)) for hsa, org in units or () if hsa})
    if rows:
        con.executemany("INSERT INTO nara_unit_orgs VALUES (?, ?)", rows)


def _other_data(con: duckdb.DuckDBPyConnection, source: str, reference_date) -> None:
    """For the persons flagged in scope "all": their organisation (that of the listed unit) and, for those with
    encounters elsewhere up to the reference date, the other organisations and whether any unit was unknown."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE nara_person_orgs AS
        SELECT p.pseudonym, u.organisation_id
        FROM persons AS p JOIN nara_unit_orgs AS u ON u.unit_hsa = p.listed_unit_hsa
        WHERE p.pseudonym IN (SELECT pseudonym FROM risk_results WHERE scope = '{ALL}' AND flagged)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE nara_others AS
        WITH places AS (
            SELECT DISTINCT e.pseudonym, e.unit_hsa FROM {source} AS e
            WHERE e.pseudonym IN (SELECT pseudonym FROM risk_results WHERE scope = '{ALL}' AND flagged)
              AND CAST(e.start_at AS DATE) <= $reference_date
        )
        SELECT d.pseudonym,
               COALESCE(list_sort(list(DISTINCT u.organisation_id) FILTER (WHERE u.organisation_id IS NOT NULL)),
                        CAST([] AS BIGINT[])) AS other_orgs,
               bool_or(u.organisation_id IS NULL) AS unknown_units
        FROM places AS d
        LEFT JOIN nara_unit_orgs AS u ON u.unit_hsa = d.unit_hsa
        LEFT JOIN nara_person_orgs AS o ON o.pseudonym = d.pseudonym
        WHERE u.organisation_id IS NULL OR o.organisation_id IS NULL OR u.organisation_id <> o.organisation_id
        GROUP BY d.pseudonym
    """, {"reference_date": reference_date})


def _own_scope(con: duckdb.DuckDBPyConnection, source: str, reference_date, definitions, base) -> None:
    """Run the definitions in scope "own" for the persons of `nara_others` whose listed unit's organisation is
    known: `encounters` becomes a temporary table of their own organisation's encounters (small: the flagged
    persons with data elsewhere), the base relations that read encounters are built over it, and afterwards the
    connection is as before (the caller's `encounters`, the base relations of every encounter)."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE nara_own_persons AS
        SELECT o.pseudonym, o.organisation_id FROM nara_person_orgs AS o SEMI JOIN nara_others USING (pseudonym)
    """)
    # The persons first (a semi-join, measured a third cheaper than both joins at once), then their units.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE encounters AS
        SELECT e.* FROM (SELECT * FROM {source} WHERE pseudonym IN (SELECT pseudonym FROM nara_own_persons)) AS e
        JOIN nara_unit_orgs AS u ON u.unit_hsa = e.unit_hsa
        JOIN nara_own_persons AS s ON s.pseudonym = e.pseudonym AND s.organisation_id = u.organisation_id
    """)
    # The base relations that read encounters (or a relation rebuilt before them) are rebuilt for the scope.
    rebuilt, kept = [], []
    for relation in base:
        if _reads(relation.sql, ["encounters", *(r.name for r in rebuilt)]):
            rebuilt.append(relation)
    try:
        for relation in rebuilt:
            con.execute(f"ALTER TABLE {relation.name} RENAME TO nara_all_{relation.name}")
            kept.append(relation.name)
        build_base(con, reference_date, rebuilt)
        for definition in definitions:
            run_definition(con, definition, reference_date, OWN)
    finally:
        con.execute("DROP TABLE IF EXISTS temp.main.encounters")
        for name in kept:
            con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")
            con.execute(f"ALTER TABLE nara_all_{name} RENAME TO {name}")


def compute(con: duckdb.DuckDBPyConnection, reference_date, definitions: list[Definition],
            progress=None, units=()) -> Counts:
    """Build the base relations and run every definition in both scopes; results stay in the temp table
    risk_results (and risk_output, the rows to write). `units`: (unit HSA-id, organisation id) pairs.

    Scope "own" is computed for the persons flagged in scope "all" who have data elsewhere: a person whom every
    organisation's data together does not flag is on no list, so the own organisation's data alone (which may
    in rare cases flag what the whole does not, e.g. two own stays around another organisation's) is not asked.
    """
    source = _source_encounters(con)
    base = loader.load_base()
    register_units(con, units)
    prepare(con, reference_date, base)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE risk_results (
            pseudonym VARCHAR, scope VARCHAR, definition VARCHAR, flagged BOOLEAN, value DOUBLE, band VARCHAR,
            reason VARCHAR
        )
    """)
    for definition in definitions:
        run_definition(con, definition, reference_date, ALL)
        if progress:
            progress(definition)
    _other_data(con, source, reference_date)
    _own_scope(con, source, reference_date, definitions, base)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE risk_output AS
        SELECT r.pseudonym, p.listed_unit_hsa, p.municipality_code, r.scope, r.definition, r.flagged, r.value,
               r.band, r.reason, COALESCE(o.other_orgs, CAST([] AS BIGINT[])) AS other_orgs,
               COALESCE(o.unknown_units, FALSE) AS unknown_units
        FROM risk_results AS r
        JOIN persons AS p ON p.pseudonym = r.pseudonym
        LEFT JOIN nara_others AS o ON o.pseudonym = r.pseudonym
        WHERE (r.pseudonym, r.scope) IN (SELECT pseudonym, scope FROM risk_results WHERE flagged)
          AND (r.flagged OR COALESCE(r.value, 0) <> 0)
    """)
    per_definition = {
        ident: {"flagged": int(flagged), "rows": int(rows)}
        for ident, flagged, rows in con.execute(
            "SELECT definition, count(*) FILTER (WHERE flagged), count(*) FROM risk_results WHERE scope = $s "
            "GROUP BY definition", {"s": ALL}
        ).fetchall()
    }
    persons, own_persons, rows = con.execute(
        "SELECT count(DISTINCT pseudonym) FILTER (WHERE scope = $all), "
        "count(DISTINCT pseudonym) FILTER (WHERE scope = $own), count(*) FROM risk_output",
        {"all": ALL, "own": OWN},
    ).fetchone()
    return Counts(
        definitions={d.id: per_definition.get(d.id, {"flagged": 0, "rows": 0}) for d in definitions},
        persons_flagged=int(persons),
        rows_written=int(rows),
        persons_with_other_data=int(con.execute("SELECT count(*) FROM nara_others").fetchone()[0]),
        own_persons_flagged=int(own_persons),
    )


def write_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write risk_output to `path` atomically: a temporary file beside it, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        con.execute(
            f"COPY (SELECT {', '.join(RESULT_COLUMNS)} FROM risk_output "
            # Clustered by unit so a vårdcentral's risk list reads only its own row groups.
            "ORDER BY listed_unit_hsa NULLS LAST, pseudonym, scope, definition) "
            "TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
            {"path": str(tmp)},
        )
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
