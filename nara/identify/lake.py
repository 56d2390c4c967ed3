"""The analytics lake: one Parquet file per table under settings.NARA_LAKE_DIR, named by a manifest.

Layout: `manifest.json` names the current file of each table (`population`, `encounters`) with its sha256 and
row count. A write puts a new, content-named Parquet file beside the old one (temp file, fsync, rename), then
replaces the manifest the same way. The manifest rename is the commit: a process killed at any moment leaves
either the old manifest (and an unreferenced file that the next write sweeps away) or the new one. Readers
resolve the manifest once per `connect()`, so a query sees one consistent generation; replaced files are kept
for RETIRED_GRACE so a long-running reader is not pulled from under its feet.

Files are written in FILE_ORDER (person first, key last) with fixed settings, so the same content gives byte-identical files (and names).
Hidden files (dot-names) are scratch space: the lock, temp files, DuckDB's spill directory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

from nara.identify import schema
from nara.identify.importing.checkpoints import checkpoint

TABLES = {"population": schema.POPULATION, "encounters": schema.ENCOUNTERS}
KEYS = {"population": ("pseudonym",), "encounters": ("source_system", "encounter_id")}
# Row order of each file: by person first, so one person's encounters (the timeline on the person overview) lie
# in a few row groups that DuckDB finds from their min/max statistics. The key ends the order, so it is total.
FILE_ORDER = {"population": ("pseudonym",), "encounters": ("pseudonym", "source_system", "encounter_id")}
VERSION = {"population": "extract_date", "encounters": "version_at"}
MANIFEST = "manifest.json"
RETIRED_GRACE = dt.timedelta(hours=6)
ROW_GROUP_SIZE = 122_880  # DuckDB's default, stated so that output never depends on a changed default
# zstd level 1: about half the write time of the default level 3 for files ~10 % larger.
PARQUET_OPTIONS = f"FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE {ROW_GROUP_SIZE}"


def lake_dir() -> Path:
    return Path(settings.NARA_LAKE_DIR)


def read_manifest(directory: Path | None = None) -> dict:
    path = (directory or lake_dir()) / MANIFEST
    if not path.exists():
        return {"tables": {}, "retired": []}
    return json.loads(path.read_text())


def files() -> dict[str, dict]:
    """The current data file of each table: {"encounters": {"path", "sha256", "rows"}}; for recording which
    extracts a risk run used. Tables never imported are absent."""
    directory = lake_dir()
    return {
        table: {"path": str(directory / entry["file"]), "sha256": entry["sha256"], "rows": entry["rows"]}
        for table, entry in sorted(read_manifest(directory)["tables"].items())
    }


def empty_select(columns: dict[str, str]) -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns.items())
    return f"SELECT {cols} WHERE false"


def typed_select(columns: dict[str, str], source: str) -> str:
    cols = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns.items())
    return f"SELECT {cols} FROM {source}"


def parquet_source(path: Path | str) -> str:
    return "read_parquet(" + sql_literal(str(path)) + ")"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with views `population` and `encounters` over the current lake files, with exactly
    the columns and types of nara.identify.schema (empty views when a table has no data yet)."""
    con = duckdb.connect(database)
    attach_views(con)
    return con


def attach_views(con: duckdb.DuckDBPyConnection) -> None:
    current = files()
    for table, columns in TABLES.items():
        if table in current:
            body = typed_select(columns, parquet_source(current[table]["path"]))
        else:
            body = empty_select(columns)
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {body}")


@dataclass
class MergeResult:
    changed: bool
    rows_total: int  # rows in the table after the merge
    rows_changed: int  # incoming rows that were new or replaced an older version
    path: Path | None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Writer:
    """Holds the lake's write lock; all changes go through `merge` (see `writing`)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.manifest = read_manifest(directory)

    @property
    def scratch(self) -> Path:
        return self.directory / ".scratch"

    def current_path(self, table: str) -> Path | None:
        entry = self.manifest["tables"].get(table)
        return self.directory / entry["file"] if entry else None

    def merge(self, con: duckdb.DuckDBPyConnection, table: str, incoming: str) -> MergeResult:
        """Merge the rows of DuckDB table `incoming` (the schema's columns, one row per key) into `table`.

        Per key the newer version wins; on an equal version the incoming row wins (a corrected re-delivery).
        An incoming row equal to the stored one in everything but the version is no change at all, so
        re-importing the same or an overlapping extract leaves the files untouched."""
        columns, keys, version = TABLES[table], KEYS[table], VERSION[table]
        current = self.current_path(table)
        cols = ", ".join(columns)
        order = ", ".join(FILE_ORDER[table])
        if current is None:
            # An empty table: every incoming row is new (one row per key), so there is nothing to join.
            changed = con.execute(f"SELECT count(*) FROM {incoming}").fetchone()[0]
            if not changed:
                return MergeResult(False, 0, 0, None)
            rows = f"SELECT {cols} FROM {incoming} ORDER BY {order}"
        else:
            on = " AND ".join(f"i.{k} = e.{k}" for k in keys)
            content = [c for c in columns if c not in keys and c != version]
            differs = " OR ".join(f"i.{c} IS DISTINCT FROM e.{c}" for c in content)
            con.execute(f"CREATE OR REPLACE TEMP VIEW lake_existing AS "
                        f"{typed_select(columns, parquet_source(current))}")
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE lake_winners AS
                SELECT i.* FROM {incoming} i LEFT JOIN lake_existing e ON {on}
                WHERE e.{keys[0]} IS NULL OR (i.{version} >= e.{version} AND ({differs}))
            """)
            changed = con.execute("SELECT count(*) FROM lake_winners").fetchone()[0]
            if not changed:
                total = con.execute("SELECT count(*) FROM lake_existing").fetchone()[0]
                return MergeResult(False, total, 0, current)
            rows = f"""
                SELECT {cols} FROM lake_existing e
                WHERE NOT EXISTS (SELECT 1 FROM lake_winners i WHERE {on})
                UNION ALL SELECT {cols} FROM lake_winners
                ORDER BY {order}
            """
        self.scratch.mkdir(exist_ok=True)
        tmp = self.scratch / f"{table}-{os.getpid()}.parquet"
        con.execute("SET preserve_insertion_order = true")  # the file's rows in FILE_ORDER, whatever the caller set
        con.execute(f"""
            COPY ({rows}) TO {sql_literal(str(tmp))} ({PARQUET_OPTIONS})
        """)
        total = con.execute(f"SELECT count(*) FROM {parquet_source(tmp)}").fetchone()[0]
        if current is not None:
            con.execute("DROP VIEW lake_existing; DROP TABLE lake_winners")
        _fsync(tmp)
        sha = _sha256(tmp)
        final = self.directory / f"{table}-{sha[:16]}.parquet"
        os.replace(tmp, final)
        _fsync(self.directory)
        checkpoint("lake-file-written")
        self._commit(table, final, sha, total)
        return MergeResult(True, total, changed, final)

    def _commit(self, table: str, final: Path, sha: str, rows: int) -> None:
        now = dt.datetime.now(dt.UTC)
        old = self.manifest["tables"].get(table)
        cutoff = now - RETIRED_GRACE
        retired = [
            r for r in self.manifest.get("retired", [])
            if r["file"] != final.name and dt.datetime.fromisoformat(r["at"]) > cutoff
        ]
        if old and old["file"] != final.name:
            retired.append({"file": old["file"], "at": now.isoformat(timespec="seconds")})
        tables = dict(self.manifest["tables"], **{table: {"file": final.name, "sha256": sha, "rows": rows}})
        manifest = {"tables": dict(sorted(tables.items())), "retired": retired}
        tmp = self.scratch / f"manifest-{os.getpid()}.json"
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        _fsync(tmp)
        os.replace(tmp, self.directory / MANIFEST)  # the commit point
        _fsync(self.directory)
        self.manifest = manifest
        checkpoint("lake-committed")

    def sweep(self) -> None:
        """Remove what crashed writers left behind and files retired longer ago than RETIRED_GRACE."""
        shutil.rmtree(self.scratch, ignore_errors=True)
        live = {entry["file"] for entry in self.manifest["tables"].values()}
        cutoff = dt.datetime.now(dt.UTC) - RETIRED_GRACE
        keep = {r["file"] for r in self.manifest.get("retired", []) if dt.datetime.fromisoformat(r["at"]) > cutoff}
        for path in self.directory.glob("*.parquet"):
            if path.name not in live and path.name not in keep:
                path.unlink(missing_ok=True)


@contextlib.contextmanager
def writing() -> Iterator[Writer]:
    """The lake's single writer: an exclusive lock for the whole import (readers never wait)."""
    directory = lake_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        writer = Writer(directory)
        writer.sweep()
        try:
            yield writer
        finally:
            shutil.rmtree(writer.scratch, ignore_errors=True)
