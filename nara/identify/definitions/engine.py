"""The set-based risk engine: every definition's SQL run in DuckDB against `population` and `encounters`.

Input: any DuckDB connection with relations `population` and `encounters` shaped as nara/identify/schema.py
(the lake's views, or hand-made tables in tests). The engine adds temporary tables to that connection: the
reference lists, the base relations `persons` and `stays`, and `risk_results` (one row per person and definition
that gave the person a row). Nothing leaves DuckDB until the sorted Parquet file is written.

Determinism: values are rounded to 2 decimals, HFRS points are exact decimals, the output is sorted by
(listed unit, pseudonym, definition) and written with fixed Parquet options, so the same input gives a byte-identical file.
"""

from __future__ import annotations

import os
import string
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from nara.identify.definitions import loader, reference
from nara.identify.definitions.loader import Definition

RESULT_COLUMNS = (
    "pseudonym", "listed_unit_hsa", "municipality_code", "definition", "flagged", "value", "band", "reason",
)


class EngineError(RuntimeError):
    pass


@dataclass(frozen=True)
class Counts:
    definitions: dict[str, dict[str, int]]  # id → {"flagged": n, "rows": n}
    persons_flagged: int
    rows_written: int

    def as_dict(self) -> dict:
        return {
            "persons_flagged": self.persons_flagged,
            "rows": self.rows_written,
            "definitions": self.definitions,
        }


def _fail(what: str, exc: Exception) -> EngineError:
    return EngineError(f"{what}: {exc}")


def prepare(con: duckdb.DuckDBPyConnection, reference_date, base: list | None = None) -> None:
    """Reference tables and base relations for one reference date."""
    reference.register(con)
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


def run_definition(con: duckdb.DuckDBPyConnection, definition: Definition, reference_date) -> None:
    """Append one definition's rows to risk_results."""
    params = {k: v for k, v in definition.sql_params(reference_date).items()
              if k in loader.sql_placeholders(definition.sql)}
    params["nara_definition"] = definition.id
    band = _band_sql(definition, params)
    reason = _reason_sql(definition, params)
    sql = f"""
        INSERT INTO risk_results
        SELECT pseudonym, $nara_definition, flagged, nara_value, nara_band, {reason}
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
            "SELECT pseudonym FROM risk_results WHERE definition = $d GROUP BY pseudonym HAVING count(*) > 1 LIMIT 1",
            {"d": definition.id},
        ).fetchone()
    except duckdb.Error as exc:
        raise _fail(f"Definitionen {definition.id}", exc) from exc
    if duplicate:
        raise EngineError(f"Definitionen {definition.id} gav flera rader för samma person.")


def compute(con: duckdb.DuckDBPyConnection, reference_date, definitions: list[Definition],
            progress=None) -> Counts:
    """Build the base relations and run every definition; results stay in the temp table risk_results."""
    prepare(con, reference_date)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE risk_results (
            pseudonym VARCHAR, definition VARCHAR, flagged BOOLEAN, value DOUBLE, band VARCHAR, reason VARCHAR
        )
    """)
    for definition in definitions:
        run_definition(con, definition, reference_date)
        if progress:
            progress(definition)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE risk_output AS
        SELECT r.pseudonym, p.listed_unit_hsa, p.municipality_code, r.definition, r.flagged, r.value, r.band, r.reason
        FROM risk_results AS r
        JOIN persons AS p ON p.pseudonym = r.pseudonym
        WHERE r.pseudonym IN (SELECT pseudonym FROM risk_results WHERE flagged)
          AND (r.flagged OR COALESCE(r.value, 0) <> 0)
    """)
    per_definition = {
        ident: {"flagged": int(flagged), "rows": int(rows)}
        for ident, flagged, rows in con.execute(
            "SELECT definition, count(*) FILTER (WHERE flagged), count(*) FROM risk_results GROUP BY definition"
        ).fetchall()
    }
    persons, rows = con.execute("SELECT count(DISTINCT pseudonym), count(*) FROM risk_output").fetchone()
    return Counts(
        definitions={d.id: per_definition.get(d.id, {"flagged": 0, "rows": 0}) for d in definitions},
        persons_flagged=int(persons),
        rows_written=int(rows),
    )


def write_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write risk_output to `path` atomically: a temporary file beside it, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        con.execute(
            f"COPY (SELECT {', '.join(RESULT_COLUMNS)} FROM risk_output "
            # Clustered by unit so a vårdcentral's risk list reads only its own row groups.
            "ORDER BY listed_unit_hsa NULLS LAST, pseudonym, definition) "
            "TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
            {"path": str(tmp)},
        )
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
