"""Reading the latest risk run's results (Parquet in the lake) with DuckDB. No identities here.

The contract with the risk run: `RiskRun.results_path` of the latest succeeded run points at a Parquet file with
the columns pseudonym, definition, flagged, value, band, reason, listed_unit_hsa and municipality_code — one row
per person and definition. Everything in this module works on pseudonyms; turning a pseudonym back into a person
is the job of `selectors`, through the access gate, for the persons a user may see.

Sort key ("score") of the risk list, highest first:
1. the number of criteria the person is flagged by,
2. then the HFRS value (Hospital Frailty Risk Score, `HFRS_DEFINITIONS`), persons without one last,
3. then the pseudonym, so that pages are stable between requests.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.conf import settings
from django.core.cache import cache

from nara.identify.models import RiskRun

log = logging.getLogger(__name__)

PAGE_SIZE = 50
# Definition ids whose `value` is the Hospital Frailty Risk Score (the second part of the sort key).
HFRS_DEFINITIONS = ("hfrs",)
COUNTS_CACHE_SECONDS = 24 * 3600


class ResultsMissing(Exception):
    """No succeeded risk run, or its results file is gone."""


@dataclass
class Criterion:
    definition: str
    name: str
    flagged: bool
    value: float | None
    band: str | None
    reason: str

    @property
    def is_hfrs(self) -> bool:
        return self.definition in HFRS_DEFINITIONS


@dataclass
class Row:
    """One person on a unit's risk list, still pseudonymous."""

    pseudonym: str
    n_flagged: int
    hfrs: float | None
    municipality_code: str | None
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def flagged(self) -> list[Criterion]:
        return [c for c in self.criteria if c.flagged]

    @property
    def reasons(self) -> str:
        """The flagged criteria's reasons, then the HFRS reason also when HFRS itself does not flag."""
        parts = [c.reason for c in self.criteria if c.flagged and not c.is_hfrs and c.reason]
        parts += [c.reason for c in self.criteria if c.is_hfrs and c.value is not None and c.reason]
        return " · ".join(parts)


@dataclass
class Page:
    rows: list[Row]
    total: int
    number: int
    page_size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def latest_run() -> RiskRun | None:
    return (
        RiskRun.objects.filter(status=RiskRun.Status.SUCCEEDED)
        .exclude(results_path="")
        .order_by("-finished_at", "-started_at", "-pk")
        .first()
    )


def results_file(run: RiskRun) -> str:
    path = Path(run.results_path)
    if not path.is_absolute():
        path = Path(settings.NARA_LAKE_DIR) / path
    if not path.exists():
        raise ResultsMissing(str(run.pk))
    return str(path)


def definition_names() -> dict[str, str]:
    """Definition id → Swedish name (nara.identify.definitions); the ids themselves if the files cannot be read."""
    try:
        from nara.identify import definitions

        return definitions.names()
    except Exception:  # a broken definition file must not take the risk list down
        log.warning("Risk definition names could not be loaded; ids are shown instead.")
        return {}


def _connect():
    return duckdb.connect(":memory:")


_UNIT_ROWS = "SELECT * FROM read_parquet($path) WHERE listed_unit_hsa = $unit"


def unit_definitions(run: RiskRun, unit_hsa: str) -> list[str]:
    """The definitions that flag at least one person listed at the unit (the filter's choices)."""
    with _connect() as con:
        rows = con.execute(
            f"SELECT DISTINCT definition FROM ({_UNIT_ROWS}) WHERE flagged ORDER BY definition",
            {"path": results_file(run), "unit": unit_hsa},
        ).fetchall()
    return [r[0] for r in rows]


def unit_page(
    run: RiskRun, unit_hsa: str, definition: str | None = None, page: int = 1, page_size: int | None = PAGE_SIZE
) -> Page:
    """The unit's listed persons flagged by at least one criterion (or by `definition`), sorted by score.

    With page_size None every row is returned (the export).
    """
    params = {"path": results_file(run), "unit": unit_hsa, "hfrs": list(HFRS_DEFINITIONS)}
    having = "count(*) FILTER (WHERE flagged) > 0"
    if definition:
        having += " AND bool_or(flagged AND definition = $definition)"
        params["definition"] = definition
    grouped = f"""
        SELECT pseudonym,
               count(*) FILTER (WHERE flagged) AS n_flagged,
               max(value) FILTER (WHERE list_contains($hfrs, definition)) AS hfrs,
               any_value(municipality_code) AS municipality_code
        FROM ({_UNIT_ROWS}) GROUP BY pseudonym HAVING {having}
    """
    with _connect() as con:
        total = con.execute(f"SELECT count(*) FROM ({grouped})", params).fetchone()[0]
        limit = ""
        number = 1
        if page_size is not None:
            pages = max(1, -(-total // page_size))
            number = min(max(1, page), pages)
            limit = f"LIMIT {int(page_size)} OFFSET {int((number - 1) * page_size)}"
        head = con.execute(
            f"SELECT * FROM ({grouped}) ORDER BY n_flagged DESC, hfrs DESC NULLS LAST, pseudonym {limit}", params
        ).fetchall()
        rows = [Row(p, n, h, m) for p, n, h, m in head]
        if rows:
            _attach_criteria(con, params["path"], unit_hsa, rows)
    return Page(rows, total, number, page_size or max(1, total))


def band_labels() -> dict[tuple[str, str], str]:
    """(definition id, band code) → the band's Swedish label."""
    try:
        from nara.identify import definitions

        return {(d.id, b.code): b.label for d in definitions.load_all() for b in d.output.bands}
    except Exception:  # as for the names: never take the list down
        return {}


def _attach_criteria(con, path: str, unit_hsa: str, rows: list[Row]) -> None:
    names = definition_names()
    bands = band_labels()
    by_pseudonym = {r.pseudonym: r for r in rows}
    details = con.execute(
        f"""SELECT pseudonym, definition, flagged, value, band, reason FROM ({_UNIT_ROWS})
            WHERE list_contains($pseudonyms, pseudonym)
            ORDER BY pseudonym, flagged DESC, list_contains($hfrs, definition), definition""",
        {"path": path, "unit": unit_hsa, "pseudonyms": list(by_pseudonym), "hfrs": list(HFRS_DEFINITIONS)},
    ).fetchall()
    for pseudonym, definition, flagged, value, band, reason in details:
        by_pseudonym[pseudonym].criteria.append(
            Criterion(definition, names.get(definition, definition), bool(flagged), value,
                      bands.get((definition, band), band), reason or "")
        )


def person_row(run: RiskRun, unit_hsa: str, pseudonym: str) -> Row | None:
    """One person's results, only if the person is listed at the unit according to the run."""
    with _connect() as con:
        head = con.execute(
            f"""SELECT pseudonym, count(*) FILTER (WHERE flagged),
                       max(value) FILTER (WHERE list_contains($hfrs, definition)), any_value(municipality_code)
                FROM ({_UNIT_ROWS}) WHERE pseudonym = $pseudonym GROUP BY pseudonym""",
            {"path": results_file(run), "unit": unit_hsa, "pseudonym": pseudonym, "hfrs": list(HFRS_DEFINITIONS)},
        ).fetchone()
        if head is None:
            return None
        row = Row(*head)
        _attach_criteria(con, results_file(run), unit_hsa, [row])
    return row


@dataclass
class CountTable:
    """Flagged persons per group (unit or municipality) and definition; `listed` = persons in the results file."""

    definitions: list[str]
    groups: list[str | None]
    counts: dict  # (group, definition) -> int; definition "*any" = flagged by at least one criterion
    listed: dict  # group -> int


ANY = "*any"


def counts(run: RiskRun, by: str) -> CountTable:
    """Aggregates for analysts: by 'listed_unit_hsa' or 'municipality_code'. No pseudonyms leave this function.

    A run's results never change, so the table is cached per run (the region-wide scan takes seconds).
    """
    if by not in ("listed_unit_hsa", "municipality_code"):
        raise ValueError(by)
    path = results_file(run)
    stat = Path(path).stat()
    digest = hashlib.sha256(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cache_key = f"identify:counts:{run.pk}:{digest}:{by}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    # One row per person and definition (the contract), so counting rows counts persons.
    with _connect() as con:
        per_definition = con.execute(
            f"""SELECT {by} AS g, definition, count(*) FILTER (WHERE flagged)
                FROM read_parquet($path) GROUP BY g, definition""",
            {"path": path},
        ).fetchall()
        per_group = con.execute(
            f"""SELECT g, count(*), count(*) FILTER (WHERE any_flag) FROM (
                    SELECT pseudonym, any_value({by}) AS g, bool_or(flagged) AS any_flag
                    FROM read_parquet($path) GROUP BY pseudonym
                ) GROUP BY g""",
            {"path": path},
        ).fetchall()
    table = CountTable(sorted({d for _g, d, _n in per_definition}), [], {}, {})
    for g, d, n in per_definition:
        table.counts[(g, d)] = n
    for g, listed, flagged in per_group:
        table.listed[g] = listed
        table.counts[(g, ANY)] = flagged
    table.groups = sorted(table.listed, key=lambda g: (g is None, g or ""))
    cache.set(cache_key, table, COUNTS_CACHE_SECONDS)
    return table
