"""Reading the latest risk run's results (Parquet in the lake) with DuckDB. No identities here.

The contract with the risk run: `RiskRun.results_path` of the latest succeeded run points at a Parquet file with
the columns pseudonym, scope, definition, flagged, value, band, reason, listed_unit_hsa, municipality_code,
other_orgs and unknown_units — one row per person, scope and definition (nara/identify/definitions/engine.py).
Everything in this module works on pseudonyms; turning a pseudonym back into a person is the job of `selectors`,
through the access gate, for the persons a user may see.

Which scope a reader sees (docs/decisions.md, "Risk-list reasons and other organisations' data"): per person the
"all" rows when the person has no encounters elsewhere or the pseudonym is in `full` (the caller has asked the
gate whether the actor may see every other organisation's data about the person), else the "own" rows (only the
data of the listed unit's organisation). A person flagged only through others' data is then not on the list.

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
ALL, OWN = "all", "own"  # the data scopes of the results file (engine.ALL, engine.OWN)


class ResultsMissing(Exception):
    """No succeeded risk run, or its results file is gone (or written before the scopes, so it cannot be shown)."""


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
    scope: str = ALL
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def others_left_out(self) -> bool:
        """The criteria leave out other organisations' data about the person (shown as a note)."""
        return self.scope == OWN

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
    with _connect() as con:
        columns = {c[0] for c in con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(path)}).fetchall()}
    if not {"scope", "other_orgs", "unknown_units"} <= columns:
        # Written before the scopes: its reasons may hold other organisations' data nobody can tell apart.
        log.warning("Risk run %s has a results file without data scopes; run the risk run again.", run.pk)
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
# Per person the rows of one scope: "all" when nothing about the person comes from elsewhere or the pseudonym is
# in $full, else "own". Every query below reads only these.
_SHOWN_ROWS = f"""
    SELECT * FROM ({_UNIT_ROWS})
    WHERE scope = CASE WHEN (len(other_orgs) = 0 AND NOT unknown_units)
                            OR list_contains(CAST($full AS VARCHAR[]), pseudonym) THEN '{ALL}' ELSE '{OWN}' END
"""


def other_organisations(run: RiskRun, unit_hsa: str, pseudonyms=None) -> dict[str, list[int]]:
    """Pseudonym → the other organisations holding encounters about the person, for the unit's persons (or those
    of them in `pseudonyms`) whose every encounter is at a unit the directory knows: the only persons for whom
    the actor may see the "all" scope (the caller asks the gate). No identities here."""
    params = {"path": results_file(run), "unit": unit_hsa}
    among = ""
    if pseudonyms is not None:
        among = "AND list_contains(CAST($pseudonyms AS VARCHAR[]), pseudonym)"
        params["pseudonyms"] = list(pseudonyms)
    with _connect() as con:
        rows = con.execute(
            f"""SELECT pseudonym, any_value(other_orgs) FROM ({_UNIT_ROWS})
                WHERE len(other_orgs) > 0 AND NOT unknown_units {among} GROUP BY pseudonym""",
            params,
        ).fetchall()
    return {p: [int(o) for o in orgs] for p, orgs in rows}


def unit_definitions(run: RiskRun, unit_hsa: str, full=()) -> list[str]:
    """The definitions that flag at least one person listed at the unit (the filter's choices), in the scope
    each person is shown in."""
    with _connect() as con:
        rows = con.execute(
            f"SELECT DISTINCT definition FROM ({_SHOWN_ROWS}) WHERE flagged ORDER BY definition",
            {"path": results_file(run), "unit": unit_hsa, "full": list(full)},
        ).fetchall()
    return [r[0] for r in rows]


def unit_page(
    run: RiskRun, unit_hsa: str, definition: str | None = None, page: int = 1, page_size: int | None = PAGE_SIZE,
    full=(),
) -> Page:
    """The unit's listed persons flagged by at least one criterion (or by `definition`), sorted by score, each
    in the scope shown (the "all" rows only for the pseudonyms in `full` or without data elsewhere).

    With page_size None every row is returned (the export).
    """
    params = {"path": results_file(run), "unit": unit_hsa, "hfrs": list(HFRS_DEFINITIONS), "full": list(full)}
    having = "count(*) FILTER (WHERE flagged) > 0"
    if definition:
        having += " AND bool_or(flagged AND definition = $definition)"
        params["definition"] = definition
    grouped = f"""
        SELECT pseudonym,
               count(*) FILTER (WHERE flagged) AS n_flagged,
               max(value) FILTER (WHERE list_contains($hfrs, definition)) AS hfrs,
               any_value(municipality_code) AS municipality_code, any_value(scope) AS scope
        FROM ({_SHOWN_ROWS}) GROUP BY pseudonym HAVING {having}
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
        rows = [Row(p, n, h, m, sc) for p, n, h, m, sc in head]
        if rows:
            _attach_criteria(con, params["path"], unit_hsa, rows, params["full"])
    return Page(rows, total, number, page_size or max(1, total))


def band_labels() -> dict[tuple[str, str], str]:
    """(definition id, band code) → the band's Swedish label."""
    try:
        from nara.identify import definitions

        return {(d.id, b.code): b.label for d in definitions.load_all() for b in d.output.bands}
    except Exception:  # as for the names: never take the list down
        return {}


def _attach_criteria(con, path: str, unit_hsa: str, rows: list[Row], full) -> None:
    names = definition_names()
    bands = band_labels()
    by_pseudonym = {r.pseudonym: r for r in rows}
    details = con.execute(
        f"""SELECT pseudonym, definition, flagged, value, band, reason FROM ({_SHOWN_ROWS})
            WHERE list_contains($pseudonyms, pseudonym)
            ORDER BY pseudonym, flagged DESC, list_contains($hfrs, definition), definition""",
        {"path": path, "unit": unit_hsa, "pseudonyms": list(by_pseudonym), "hfrs": list(HFRS_DEFINITIONS),
         "full": list(full)},
    ).fetchall()
    for pseudonym, definition, flagged, value, band, reason in details:
        by_pseudonym[pseudonym].criteria.append(
            Criterion(definition, names.get(definition, definition), bool(flagged), value,
                      bands.get((definition, band), band), reason or "")
        )


def person_row(run: RiskRun, unit_hsa: str, pseudonym: str, full=()) -> Row | None:
    """One person's results in the scope shown, only if the person is on the unit's list: listed at the unit
    according to the run and flagged by at least one criterion in that scope."""
    path = results_file(run)
    with _connect() as con:
        head = con.execute(
            f"""SELECT pseudonym, count(*) FILTER (WHERE flagged),
                       max(value) FILTER (WHERE list_contains($hfrs, definition)), any_value(municipality_code),
                       any_value(scope)
                FROM ({_SHOWN_ROWS}) WHERE pseudonym = $pseudonym GROUP BY pseudonym HAVING bool_or(flagged)""",
            {"path": path, "unit": unit_hsa, "pseudonym": pseudonym, "hfrs": list(HFRS_DEFINITIONS),
             "full": list(full)},
        ).fetchone()
        if head is None:
            return None
        row = Row(*head)
        _attach_criteria(con, path, unit_hsa, [row], full)
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

    Scope "all": the region's follow-up counts every encounter, whoever recorded it (docs/decisions.md).
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
    # One row per person, scope and definition (the contract), so counting one scope's rows counts persons.
    rows = f"SELECT * FROM read_parquet($path) WHERE scope = '{ALL}'"
    with _connect() as con:
        per_definition = con.execute(
            f"""SELECT {by} AS g, definition, count(*) FILTER (WHERE flagged)
                FROM ({rows}) GROUP BY g, definition""",
            {"path": path},
        ).fetchall()
        per_group = con.execute(
            f"""SELECT g, count(*), count(*) FILTER (WHERE any_flag) FROM (
                    SELECT pseudonym, any_value({by}) AS g, bool_or(flagged) AS any_flag
                    FROM ({rows}) GROUP BY pseudonym
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
