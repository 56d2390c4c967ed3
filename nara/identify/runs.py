"""The risk run: every definition for one reference date, results as one Parquet file in the lake, plus a RiskRun.

The RiskRun row is committed first (status running), so a run that crashes is still visible; it ends as
succeeded (results_path set) or failed (message set). The results file is written atomically under
NARA_LAKE_DIR/risk/run-<id>.parquet; a failed run leaves no file behind.

The engine gets the directory's units (HSA-id → organisation) for the two data scopes (see engine); the run records
how many units there were and a digest of the mapping beside the definition versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from nara.identify import definitions
from nara.identify.definitions import engine, loader, reference
from nara.identify.models import RiskRun

log = logging.getLogger(__name__)


class RiskRunFailed(RuntimeError):
    def __init__(self, run: RiskRun):
        super().__init__(run.message)
        self.run = run


def results_path(run_id: int) -> Path:
    return Path(settings.NARA_LAKE_DIR) / "risk" / f"run-{run_id}.parquet"


def _describe_extracts(files: dict[str, dict]) -> dict[str, dict]:
    """lake.files() ({table: {path, sha256, rows}}) as {table: {file, sha256, rows}}: file names, not paths."""
    return {
        table: {"file": Path(str(entry.get("path", ""))).name, "sha256": str(entry.get("sha256", "")),
                "rows": entry.get("rows")}
        for table, entry in sorted(files.items())
    }


def _lake_connect():
    from nara.identify import lake  # the lake module owns how population/encounters are stored

    return lake.connect()


def _lake_files() -> dict[str, dict]:
    from nara.identify import lake

    return lake.files()


def _connect_consistently(connect: Callable, extract_files: Callable):
    """Connect and name the files the connection reads. An import may commit between the two calls: then the
    listing before and after differ, and we connect once more."""
    for _attempt in range(3):
        before = extract_files()
        con = connect()
        if extract_files() == before:
            return con, before
        con.close()
    raise RuntimeError("sjön ändrades hela tiden under starten (pågår en import?); försök igen")


def directory_units() -> list[tuple[str, int]]:
    """(unit HSA-id, organisation id) of every unit in the directory, sorted: the organisations of the scopes."""
    from nara.directory.models import Unit

    return sorted(Unit.objects.values_list("hsa_id", "organisation_id"))


def _describe_units(units: list[tuple[str, int]]) -> dict:
    text = "".join(f"{hsa} {org}\n" for hsa, org in units)
    return {"units": len(units), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def definition_versions(defs: list[definitions.Definition]) -> dict:
    return {
        "definitions": {d.id: {"version": d.version, "sha256": d.sha256, "parameters": d.params()} for d in defs},
        "base": {b.name: b.sha256 for b in loader.load_base()},
        "reference": reference.sha256s(),
    }


def execute(
    reference_date: dt.date | None = None,
    *,
    triggered_by: str = "",
    connect: Callable | None = None,
    extract_files: Callable | None = None,
    overrides=None,
    progress: Callable | None = None,
) -> RiskRun:
    """Run every definition for `reference_date` (default: today in Stockholm). Raises RiskRunFailed after
    recording the failure. `connect`/`extract_files` default to the lake; tests pass their own."""
    reference_date = reference_date or timezone.localdate()
    run = RiskRun.objects.create(reference_date=reference_date, triggered_by=triggered_by[:100])
    started = time.perf_counter()
    con = None
    try:
        if overrides is None:
            overrides = settings.NARA_DEFINITIONS_OVERRIDES
        defs = definitions.load_all(overrides)
        units = directory_units()
        run.definition_versions = {**definition_versions(defs), "directory": _describe_units(units)}
        con, files = _connect_consistently(connect or _lake_connect, extract_files or _lake_files)
        run.extracts = _describe_extracts(files)
        counts = engine.compute(con, reference_date, defs, progress=progress, units=units)
        path = engine.write_parquet(con, results_path(run.pk))
    except Exception as exc:  # recorded on the run, then raised for the caller (command, task) to report
        log.exception("Risk run %s failed", run.pk)
        run.status = RiskRun.Status.FAILED
        run.message = f"Riskkörningen misslyckades: {exc}"[:5000]
        _finish(run, started)
        raise RiskRunFailed(run) from exc
    finally:
        if con is not None:
            con.close()
    run.status = RiskRun.Status.SUCCEEDED
    run.counts = counts.as_dict()
    run.results_path = str(path)
    _finish(run, started)
    return run


def _finish(run: RiskRun, started: float) -> None:
    run.duration_seconds = round(time.perf_counter() - started, 3)
    run.finished_at = timezone.now()
    run.save()
